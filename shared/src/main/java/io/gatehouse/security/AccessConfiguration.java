package io.gatehouse.security;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Gateway-wide access settings, under {@code gateway.*}.
 */
@ConfigurationProperties("gateway")
public class AccessConfiguration {

    /** By default a route without an {@code auth} policy is open ({@code auth: none}). */
    public static final boolean DEFAULT_REQUIRE_AUTH = false;

    private boolean requireAuth = DEFAULT_REQUIRE_AUTH;

    /**
     * Whether routes without an {@code auth} policy require a JWT ({@code auth: jwt}) instead of
     * being open. Routes that say {@code auth: none} stay open, and the gateway's own endpoints
     * ({@code /v1/health}, {@code /metrics}, ...) are not routes. Default
     * {@value #DEFAULT_REQUIRE_AUTH}; the environment variable {@code GATEWAY_REQUIRE_AUTH} sets it.
     *
     * @return whether authentication is required by default
     */
    public boolean isRequireAuth() {
        return requireAuth;
    }

    /**
     * @param requireAuth whether authentication is required by default
     */
    public void setRequireAuth(boolean requireAuth) {
        this.requireAuth = requireAuth;
    }
}
