package io.gatehouse.security.opa;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The decision service routes with {@code authorization.opa} ask, under {@code gateway.opa.*}.
 * {@code application.yml} sets {@code url: ${OPA_URL:}}, so {@code OPA_URL} (the variable OPA's
 * own tooling uses) and {@code GATEWAY_OPA_URL} both set it.
 */
@ConfigurationProperties(OpaConfiguration.PREFIX)
public class OpaConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.opa";

    /** A decision is on the request's path: it must be quick or not at all. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 500;

    /** Fail closed, as Envoy's ext_authz does by default. */
    public static final boolean DEFAULT_FAILURE_MODE_ALLOW = false;

    private String url;
    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
    private boolean failureModeAllow = DEFAULT_FAILURE_MODE_ALLOW;

    /**
     * The decision service's base URL, such as {@code http://127.0.0.1:8181}; the gateway posts to
     * {@code <url>/v1/data/<path>}. Unset by default: a route that asks for a decision is then
     * refused (503), whatever its failure mode, since nothing was ever there to fail.
     *
     * @return the base URL without a trailing {@code /}, or {@code null}
     */
    public String getUrl() {
        return url;
    }

    /**
     * @param url the base URL; blank unsets it
     */
    public void setUrl(String url) {
        String trimmed = url == null ? "" : url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        this.url = trimmed.isEmpty() ? null : trimmed;
    }

    /**
     * How long one decision may take, connection included; a slower one is a failure. Default
     * {@value #DEFAULT_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * @param timeout the timeout
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Whether a request goes on when the decision service cannot be reached, times out or answers
     * something that is not a decision (Envoy's {@code failure_mode_allow}). A route's
     * {@code authorization.opa.failure-mode-allow} overrides it. Default
     * {@value #DEFAULT_FAILURE_MODE_ALLOW}: such a request is refused with 503.
     *
     * @return whether to fail open
     */
    public boolean isFailureModeAllow() {
        return failureModeAllow;
    }

    /**
     * @param failureModeAllow whether to fail open
     */
    public void setFailureModeAllow(boolean failureModeAllow) {
        this.failureModeAllow = failureModeAllow;
    }
}
