package io.gatehouse.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every log line written while it is open, from every logger, as the appenders would write it:
 * the logger, the message and any stack trace. It listens on the root logger and on each logger
 * that does not pass its lines on (the audit and access logs), so no line escapes it. Closing it
 * stops listening.
 */
public final class LogCapture implements AutoCloseable {

    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();
    private final List<Logger> attached = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            IThrowableProxy thrown = event.getThrowableProxy();
            lines.add(new Line(event.getLoggerName(), event.getLevel().toString(), event.getFormattedMessage(),
                thrown == null ? "" : ThrowableProxyUtil.asString(thrown)));
        }
    };

    /**
     * One captured line.
     *
     * @param logger  the logger's name
     * @param level   its level
     * @param message the formatted message
     * @param thrown  the stack trace, empty when none
     */
    public record Line(String logger, String level, String message, String thrown) {

        /**
         * @return everything the line would write
         */
        public String text() {
            return logger + " " + level + " " + message + "\n" + thrown;
        }
    }

    /**
     * @return a capture listening from now on
     */
    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        capture.appender.setContext(context);
        capture.appender.setName("test-capture");
        capture.appender.start();
        for (Logger logger : context.getLoggerList()) {
            if (logger.getName().equals(Logger.ROOT_LOGGER_NAME) || !logger.isAdditive()) {
                logger.addAppender(capture.appender);
                capture.attached.add(logger);
            }
        }
        return capture;
    }

    /**
     * @return the lines captured so far
     */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /**
     * @param logger a logger's name
     * @return the messages it wrote so far
     */
    public List<String> messages(String logger) {
        return lines.stream().filter(l -> l.logger().equals(logger)).map(Line::message).toList();
    }

    @Override
    public void close() {
        for (Logger logger : attached) {
            logger.detachAppender(appender);
        }
        appender.stop();
    }
}
