package io.gatehouse.security.session;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * Browser sessions, under {@code gateway.session.*}: the cookie the OIDC login sets and the
 * {@code session} authentication method reads.
 */
@ConfigurationProperties(SessionConfiguration.PREFIX)
public class SessionConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.session";

    /** Sessions are accepted by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default name of the session cookie. */
    public static final String DEFAULT_COOKIE_NAME = "gatehouse_session";

    /** The cookie is {@code Secure} by default: browsers send it over HTTPS only. */
    public static final boolean DEFAULT_COOKIE_SECURE = true;

    /** The default lifetime of a session, in seconds (8 hours). */
    public static final int DEFAULT_LIFETIME_SECONDS = 8 * 3600;

    /** The shortest secret accepted, in bytes (HS256, RFC 7518 section 3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    private boolean enabled = DEFAULT_ENABLED;
    private String cookieName = DEFAULT_COOKIE_NAME;
    private boolean cookieSecure = DEFAULT_COOKIE_SECURE;
    private Duration lifetime = Duration.ofSeconds(DEFAULT_LIFETIME_SECONDS);
    private String secret;

    /**
     * Whether the {@code session} method and the login endpoints exist. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether sessions are on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether sessions are on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The session cookie's name. Default {@value #DEFAULT_COOKIE_NAME}.
     *
     * @return the cookie name
     */
    public String getCookieName() {
        return cookieName;
    }

    /**
     * @param cookieName the cookie name; blank keeps the default
     */
    public void setCookieName(String cookieName) {
        this.cookieName = cookieName == null || cookieName.isBlank() ? DEFAULT_COOKIE_NAME : cookieName.trim();
    }

    /**
     * Whether the session and login cookies carry {@code Secure}. Default
     * {@value #DEFAULT_COOKIE_SECURE}; {@code false} only for plain-HTTP local development, where a
     * browser would otherwise never send the cookie back.
     *
     * @return whether cookies are {@code Secure}
     */
    public boolean isCookieSecure() {
        return cookieSecure;
    }

    /**
     * @param cookieSecure whether cookies are {@code Secure}
     */
    public void setCookieSecure(boolean cookieSecure) {
        this.cookieSecure = cookieSecure;
    }

    /**
     * How long a session lasts: the cookie's {@code Max-Age} and the signed value's {@code exp}.
     * Default {@value #DEFAULT_LIFETIME_SECONDS} seconds (8 hours).
     *
     * @return the lifetime
     */
    public Duration getLifetime() {
        return lifetime;
    }

    /**
     * @param lifetime the lifetime; must be positive
     */
    public void setLifetime(Duration lifetime) {
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".lifetime must be positive");
        }
        this.lifetime = lifetime;
    }

    /**
     * The secret (at least {@value #MIN_SECRET_BYTES} bytes) that signs session cookies and
     * encrypts login state. Unset by default: a random one is generated at start-up, so sessions
     * neither survive a restart nor are shared between instances. Set it (the same on every
     * instance and on Lambda) to run more than one.
     *
     * @return the secret, or {@code null}
     */
    public String getSecret() {
        return secret;
    }

    /**
     * @param secret the secret; blank means unset
     */
    public void setSecret(String secret) {
        this.secret = secret == null || secret.isBlank() ? null : secret;
    }
}
