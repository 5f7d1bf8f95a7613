package io.gatehouse.observability.health;

import java.time.Duration;

/**
 * One dependency the gateway needs, checked on demand. Implementations block; the
 * {@link HealthService} calls them on virtual threads and enforces the timeout.
 */
public interface DependencyCheck {

    /**
     * @return the name under {@code checks} in the health report
     */
    String name();

    /**
     * A critical dependency that is down makes the gateway {@code down} (503); any other failing
     * dependency makes it {@code degraded}.
     *
     * @return whether this dependency is critical
     */
    default boolean critical() {
        return true;
    }

    /**
     * Checks the dependency once.
     *
     * @param timeout how long the check may take; the service stops waiting after it
     * @return the outcome; throwing counts as {@code down} with the exception's message
     * @throws Exception when the dependency cannot be reached
     */
    CheckResult check(Duration timeout) throws Exception;
}
