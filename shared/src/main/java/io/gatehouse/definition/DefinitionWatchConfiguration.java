package io.gatehouse.definition;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * How the declarative file is watched for changes, under {@code gateway.definition.*}.
 */
@ConfigurationProperties(DefinitionWatchConfiguration.PREFIX)
public class DefinitionWatchConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.definition";

    /** The property switching the watcher on and off. */
    public static final String WATCH_PROPERTY = PREFIX + ".watch";

    /** Whether the file is watched by default. */
    public static final boolean DEFAULT_WATCH = true;

    /** How often the file is looked at by default, in milliseconds. */
    public static final long DEFAULT_WATCH_INTERVAL_MILLIS = 1000;

    private boolean watch = DEFAULT_WATCH;
    private Duration watchInterval = Duration.ofMillis(DEFAULT_WATCH_INTERVAL_MILLIS);

    /**
     * Whether an edit of the declarative file reloads the route table. Default
     * {@value #DEFAULT_WATCH}; {@code application-lambda.yml} sets {@code false}, since a Lambda
     * instance runs nothing between invocations.
     *
     * @return whether the file is watched
     */
    public boolean isWatch() {
        return watch;
    }

    /**
     * @param watch whether the file is watched
     */
    public void setWatch(boolean watch) {
        this.watch = watch;
    }

    /**
     * How often the file's content is compared with the last one seen. Default
     * {@value #DEFAULT_WATCH_INTERVAL_MILLIS} ms.
     *
     * @return the polling interval
     */
    public Duration getWatchInterval() {
        return watchInterval;
    }

    /**
     * @param watchInterval the polling interval; at least 10 ms
     */
    public void setWatchInterval(Duration watchInterval) {
        this.watchInterval = watchInterval == null || watchInterval.toMillis() < 10 ? Duration.ofMillis(10) : watchInterval;
    }
}
