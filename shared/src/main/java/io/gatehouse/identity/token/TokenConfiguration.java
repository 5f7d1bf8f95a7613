package io.gatehouse.identity.token;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The token service, under {@code gateway.tokens.*}. The signing secret is
 * {@code gateway.jwt.secret} ({@code GATEWAY_JWT_SECRET}), shared with the verifier.
 */
@ConfigurationProperties(TokenConfiguration.PREFIX)
public class TokenConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.tokens";

    /** The default lifetime of an issued token when the request names none. */
    public static final String DEFAULT_DEFAULT_LIFETIME = "90d";

    /** The default longest lifetime a request may ask for. */
    public static final String DEFAULT_MAX_LIFETIME = "365d";

    /** The default {@code iss} claim of issued tokens. */
    public static final String DEFAULT_ISSUER = "gatehouse";

    /** By default the token service issues for any project and service, whether or not a route accepts them. */
    public static final boolean DEFAULT_REQUIRE_ACCEPTING_ROUTE = false;

    private boolean requireAcceptingRoute = DEFAULT_REQUIRE_ACCEPTING_ROUTE;
    private Duration defaultLifetime = Duration.ofDays(90);
    private Duration maxLifetime = Duration.ofDays(365);
    private String issuer = DEFAULT_ISSUER;

    /**
     * The lifetime of a token whose request names none. Default {@value #DEFAULT_DEFAULT_LIFETIME}.
     *
     * @return the default lifetime
     */
    public Duration getDefaultLifetime() {
        return defaultLifetime;
    }

    /**
     * @param defaultLifetime the default lifetime
     */
    public void setDefaultLifetime(Duration defaultLifetime) {
        this.defaultLifetime = defaultLifetime;
    }

    /**
     * The longest lifetime a request may ask for; longer ones are refused with 400. It also bounds
     * how long the revocation of a token the gateway did not issue is kept when its expiry is not
     * given. Default {@value #DEFAULT_MAX_LIFETIME}.
     *
     * @return the maximum lifetime
     */
    public Duration getMaxLifetime() {
        return maxLifetime;
    }

    /**
     * @param maxLifetime the maximum lifetime
     */
    public void setMaxLifetime(Duration maxLifetime) {
        this.maxLifetime = maxLifetime;
    }

    /**
     * Whether {@code POST /v1/tokens} refuses (400, on {@code project} and {@code service}) to issue
     * a token that no route in force would admit: no route taking a JWT whose {@code claims.match}
     * on {@code project} and {@code service} (a value, a list or a template) and whose
     * {@code tenant} could accept it. Default {@value #DEFAULT_REQUIRE_ACCEPTING_ROUTE}.
     *
     * @return whether a token needs a route that accepts it
     */
    public boolean isRequireAcceptingRoute() {
        return requireAcceptingRoute;
    }

    /**
     * @param requireAcceptingRoute whether a token needs a route that accepts it
     */
    public void setRequireAcceptingRoute(boolean requireAcceptingRoute) {
        this.requireAcceptingRoute = requireAcceptingRoute;
    }

    /**
     * The {@code iss} claim of every token the gateway issues. Default {@value #DEFAULT_ISSUER}.
     *
     * @return the issuer
     */
    public String getIssuer() {
        return issuer;
    }

    /**
     * @param issuer the issuer
     */
    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }
}
