package io.gatehouse.admin;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the admin API and its store, under {@code gateway.admin.*}.
 */
@ConfigurationProperties(AdminConfiguration.PREFIX)
public class AdminConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.admin";

    /** The property switching the admin API and its store on and off. */
    public static final String ENABLED_PROPERTY = PREFIX + ".enabled";

    /** Whether the admin API and store exist by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** Whether a PostgreSQL store is listened to by default. */
    public static final boolean DEFAULT_LISTEN = true;

    /** Whether the store's revision is checked before requests by default. */
    public static final boolean DEFAULT_CHECK_ON_REQUEST = false;

    /** The least time between two revision checks before requests by default, in milliseconds. */
    public static final long DEFAULT_CHECK_INTERVAL_MILLIS = 1000;

    /** How long start-up waits for the store by default, in milliseconds. */
    public static final long DEFAULT_STARTUP_TIMEOUT_MILLIS = 3000;

    private boolean enabled = DEFAULT_ENABLED;
    private String token;
    private boolean listen = DEFAULT_LISTEN;
    private boolean checkOnRequest = DEFAULT_CHECK_ON_REQUEST;
    private Duration checkInterval = Duration.ofMillis(DEFAULT_CHECK_INTERVAL_MILLIS);
    private Duration startupTimeout = Duration.ofMillis(DEFAULT_STARTUP_TIMEOUT_MILLIS);

    /**
     * Whether the admin API, its store and its change propagation exist. Default
     * {@value #DEFAULT_ENABLED}. Even when enabled, the API answers 404 until a token is set.
     *
     * @return whether the admin API is enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the admin API is enabled
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The credential the admin API requires as {@code Authorization: Bearer <token>}; the
     * environment variable {@code GATEWAY_ADMIN_TOKEN} sets it. No default: without a token the
     * admin API answers 404 to everything.
     *
     * @return the token, when one is configured
     */
    public Optional<String> getToken() {
        return Optional.ofNullable(token);
    }

    /**
     * @param token the admin token; blank counts as none
     */
    public void setToken(String token) {
        this.token = token == null || token.isBlank() ? null : token.trim();
    }

    /**
     * Whether an instance whose store is PostgreSQL listens for changes made by other instances
     * ({@code LISTEN}/{@code NOTIFY} on a dedicated connection) and reloads within a second.
     * Default {@value #DEFAULT_LISTEN}; {@code application-lambda.yml} sets {@code false}.
     *
     * @return whether to listen
     */
    public boolean isListen() {
        return listen;
    }

    /**
     * @param listen whether to listen
     */
    public void setListen(boolean listen) {
        this.listen = listen;
    }

    /**
     * Whether the store's revision is read before a request is handled, at most once per
     * {@link #getCheckInterval() check interval}, and the table reloaded when it moved: how an
     * instance without background threads (Lambda) sees other instances' changes. Default
     * {@value #DEFAULT_CHECK_ON_REQUEST}; {@code application-lambda.yml} sets {@code true}.
     *
     * @return whether to check before requests
     */
    public boolean isCheckOnRequest() {
        return checkOnRequest;
    }

    /**
     * @param checkOnRequest whether to check before requests
     */
    public void setCheckOnRequest(boolean checkOnRequest) {
        this.checkOnRequest = checkOnRequest;
    }

    /**
     * The least time between two revision checks before requests. Default
     * {@value #DEFAULT_CHECK_INTERVAL_MILLIS} ms.
     *
     * @return the interval
     */
    public Duration getCheckInterval() {
        return checkInterval;
    }

    /**
     * @param checkInterval the interval
     */
    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    /**
     * How long start-up waits for the store (migrations and the first read). When the database
     * does not answer in time the gateway starts without the admin-defined objects, reports the
     * store down in {@code /v1/health}, and loads them once the database answers. Default
     * {@value #DEFAULT_STARTUP_TIMEOUT_MILLIS} ms.
     *
     * @return the start-up timeout
     */
    public Duration getStartupTimeout() {
        return startupTimeout;
    }

    /**
     * @param startupTimeout the start-up timeout
     */
    public void setStartupTimeout(Duration startupTimeout) {
        this.startupTimeout = startupTimeout;
    }
}
