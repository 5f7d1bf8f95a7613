package io.gatehouse.security;

import java.util.Locale;

/**
 * A route's {@code auth} policy: which credentials it accepts.
 */
public enum AuthMode {
    /** No credential is checked. */
    NONE,
    /** A JWT bearer token ({@code Authorization: Bearer ...}). */
    JWT,
    /** An API key of a consumer. */
    API_KEY,
    /** A session cookie from the OIDC login. */
    SESSION,
    /** Any of the above that the gateway offers; the first credential presented decides. */
    ANY;

    /**
     * @return the name as written in configuration and as an {@link Authenticator#method()}, such as {@code api-key}
     */
    public String configName() {
        return configName;
    }

    private final String configName = name().toLowerCase(Locale.ROOT).replace('_', '-');
}
