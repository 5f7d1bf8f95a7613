package io.gatehouse.policy.limit;

import java.time.Duration;

/**
 * The window of a limit ({@code per}): the period in which its {@code requests} are refilled, and
 * the suffix of Kong's {@code X-RateLimit-Limit-<Window>} headers.
 */
public enum Window {

    /** {@code per: second}. */
    SECOND(Duration.ofSeconds(1), "Second"),
    /** {@code per: minute}. */
    MINUTE(Duration.ofMinutes(1), "Minute"),
    /** {@code per: hour}. */
    HOUR(Duration.ofHours(1), "Hour"),
    /** {@code per: day}. */
    DAY(Duration.ofDays(1), "Day");

    private final Duration duration;
    private final String limitHeader;
    private final String remainingHeader;

    Window(Duration duration, String suffix) {
        this.duration = duration;
        this.limitHeader = "X-RateLimit-Limit-" + suffix;
        this.remainingHeader = "X-RateLimit-Remaining-" + suffix;
    }

    /**
     * @return how long the window is
     */
    public Duration duration() {
        return duration;
    }

    /**
     * @return {@code X-RateLimit-Limit-<Window>}
     */
    public String limitHeader() {
        return limitHeader;
    }

    /**
     * @return {@code X-RateLimit-Remaining-<Window>}
     */
    public String remainingHeader() {
        return remainingHeader;
    }

    /**
     * @return the window as configured ({@code minute})
     */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
