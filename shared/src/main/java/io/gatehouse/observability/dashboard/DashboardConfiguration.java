package io.gatehouse.observability.dashboard;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The live dashboard, under {@code gateway.dashboard.*}. See {@code docs/observability.md}.
 */
@ConfigurationProperties(DashboardConfiguration.PREFIX)
public class DashboardConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.dashboard";

    /** Whether {@code /dashboard} exists by default ({@code application-lambda.yml} turns it off). */
    public static final boolean DEFAULT_ENABLED = true;

    /** How often the dashboard samples the meters and pushes an update by default, in seconds. */
    public static final long DEFAULT_INTERVAL_SECONDS = 5;

    private boolean enabled = DEFAULT_ENABLED;
    private Duration interval = Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS);
    private List<String> roles = List.of();

    /**
     * Whether {@code /dashboard} is served. Default {@value #DEFAULT_ENABLED}; off on Lambda, where
     * nothing runs between invocations to sample or push.
     *
     * @return whether the dashboard is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the dashboard is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * How often the meters are sampled and an update pushed; the charts hold 15 minutes of samples.
     * Default {@value #DEFAULT_INTERVAL_SECONDS} s.
     *
     * @return the interval
     */
    public Duration getInterval() {
        return interval;
    }

    /**
     * @param interval the interval, at least 100 ms
     */
    public void setInterval(Duration interval) {
        this.interval = interval.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : interval;
    }

    /**
     * The roles that let a user signed in through the gateway's login ({@code /v1/auth/login/…},
     * the session cookie) see the dashboard, as the admin token does. None by default: only the
     * admin token opens it. The dashboard shows every tenant's routes, so these are roles of the
     * gateway's operators, whatever tenant the session names.
     *
     * @return the roles
     */
    public List<String> getRoles() {
        return roles;
    }

    /**
     * @param roles the roles; blank ones are refused
     */
    public void setRoles(List<String> roles) {
        for (String role : roles) {
            if (role == null || role.isBlank()) {
                throw new IllegalArgumentException(PREFIX + ".roles: a role must not be blank");
            }
        }
        this.roles = List.copyOf(roles);
    }
}
