package io.gatehouse.observability;

import io.micrometer.core.instrument.Counter;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Internal;
import io.micronaut.core.util.StringUtils;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes access-log lines on the {@value #LOGGER} logger. With {@code gateway.access-log.async}
 * (the default) a request only offers its line to a bounded queue and a daemon thread writes it,
 * so a slow disk or a blocked pipe never stalls an event loop; a line that finds the queue full is
 * dropped and counted ({@value #DROPPED_METRIC}). Without it (Lambda) the line is written on the
 * caller's thread, before the invocation returns.
 */
@Singleton
@Internal
@Requires(property = AccessLogConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class AccessLog {

    /** The logger every line goes to; {@code logback.xml} writes its messages alone, one per line. */
    static final String LOGGER = "gatehouse.access";

    /** Counter of lines dropped because the queue was full: {@code gatehouse_access_log_dropped_total}. */
    static final String DROPPED_METRIC = "gatehouse.access.log.dropped";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final Logger SELF = LoggerFactory.getLogger(AccessLog.class);

    private final ArrayBlockingQueue<String> queue;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean running = true;

    AccessLog(AccessLogConfiguration configuration, GatewayMetrics metrics) {
        this.dropped = metrics.counter(DROPPED_METRIC, "Access-log lines dropped because the writer's queue was full");
        if (configuration.isAsync()) {
            queue = new ArrayBlockingQueue<>(configuration.getQueueSize());
            writer = Thread.ofPlatform().daemon().name("gatehouse-access-log").start(this::drain);
        } else {
            queue = null;
            writer = null;
        }
    }

    /**
     * @param line a whole line, without its line break
     */
    void write(String line) {
        if (queue == null) {
            LOG.info(line);
        } else if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    private void drain() {
        List<String> batch = new ArrayList<>(64);
        while (running || !queue.isEmpty()) {
            try {
                String first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (String line : batch) {
                    LOG.info(line);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                SELF.warn("The access log could not write {} lines", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(2000);
        }
    }
}
