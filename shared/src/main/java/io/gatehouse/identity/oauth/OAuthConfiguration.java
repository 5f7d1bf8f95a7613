package io.gatehouse.identity.oauth;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The OAuth2 token endpoint, under {@code gateway.oauth.*}.
 */
@ConfigurationProperties(OAuthConfiguration.PREFIX)
public class OAuthConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.oauth";

    /** The default lifetime of an access token, in seconds. */
    public static final long DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

    /** The default lifetime of a refresh token, in seconds (30 days). */
    public static final long DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS = 2_592_000;

    /** The default PBKDF2 iterations for new client secrets (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_SECRET_ITERATIONS = 600_000;

    /** Whether {@code client_credentials} also returns a refresh token by default. */
    public static final boolean DEFAULT_CLIENT_CREDENTIALS_REFRESH = true;

    private Duration accessTokenLifetime = Duration.ofSeconds(DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS);
    private Duration refreshTokenLifetime = Duration.ofSeconds(DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS);
    private int secretIterations = DEFAULT_SECRET_ITERATIONS;
    private boolean clientCredentialsRefresh = DEFAULT_CLIENT_CREDENTIALS_REFRESH;

    /**
     * How long an access token from {@code /oauth/token} is valid. Default
     * {@value #DEFAULT_ACCESS_TOKEN_LIFETIME_SECONDS} s.
     *
     * @return the lifetime
     */
    public Duration getAccessTokenLifetime() {
        return accessTokenLifetime;
    }

    /**
     * @param accessTokenLifetime the access token lifetime
     */
    public void setAccessTokenLifetime(Duration accessTokenLifetime) {
        this.accessTokenLifetime = accessTokenLifetime;
    }

    /**
     * How long a refresh token is valid; each use replaces it with a new one. Default
     * {@value #DEFAULT_REFRESH_TOKEN_LIFETIME_SECONDS} s.
     *
     * @return the lifetime
     */
    public Duration getRefreshTokenLifetime() {
        return refreshTokenLifetime;
    }

    /**
     * @param refreshTokenLifetime the refresh token lifetime
     */
    public void setRefreshTokenLifetime(Duration refreshTokenLifetime) {
        this.refreshTokenLifetime = refreshTokenLifetime;
    }

    /**
     * PBKDF2-HMAC-SHA256 iterations for secrets hashed from now on (stored hashes keep their own
     * count). Default {@value #DEFAULT_SECRET_ITERATIONS}.
     *
     * @return the iteration count
     */
    public int getSecretIterations() {
        return secretIterations;
    }

    /**
     * @param secretIterations the iteration count, at least 1000
     */
    public void setSecretIterations(int secretIterations) {
        this.secretIterations = Math.max(1000, secretIterations);
    }

    /**
     * Whether a {@code client_credentials} grant also returns a refresh token (when the client may
     * use {@code refresh_token}). RFC 6749 §4.4.3 says it SHOULD NOT; it is on by default because
     * clients of this gateway rotate through refresh tokens. Default
     * {@value #DEFAULT_CLIENT_CREDENTIALS_REFRESH}.
     *
     * @return whether client credentials get a refresh token
     */
    public boolean isClientCredentialsRefresh() {
        return clientCredentialsRefresh;
    }

    /**
     * @param clientCredentialsRefresh whether client credentials get a refresh token
     */
    public void setClientCredentialsRefresh(boolean clientCredentialsRefresh) {
        this.clientCredentialsRefresh = clientCredentialsRefresh;
    }
}
