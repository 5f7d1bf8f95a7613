package io.gatehouse.identity.oauth;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.Map;

/**
 * The legacy {@code password} grant, under {@code gateway.oauth.password-grant.*}: off unless
 * explicitly enabled. It makes clients handle users' passwords, which OAuth 2.0 Security BCP
 * (RFC 9700) forbids; use it only to migrate old clients.
 */
@ConfigurationProperties(PasswordGrantConfiguration.PREFIX)
public class PasswordGrantConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = OAuthConfiguration.PREFIX + ".password-grant";

    /** Whether the password grant is accepted by default. */
    public static final boolean DEFAULT_ENABLED = false;

    private boolean enabled = DEFAULT_ENABLED;
    private Map<String, String> users = Map.of();

    /**
     * Whether {@code grant_type=password} is accepted (for clients registered with it). Default
     * {@value #DEFAULT_ENABLED}.
     *
     * @return whether the grant is enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the grant is enabled
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The users it accepts: user name to PBKDF2 hash ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>},
     * made by {@code io.gatehouse.identity.Secrets#pbkdf2}).
     *
     * @return the users
     */
    public Map<String, String> getUsers() {
        return users;
    }

    /**
     * @param users the users and their password hashes
     */
    public void setUsers(Map<String, String> users) {
        this.users = users == null ? Map.of() : Map.copyOf(users);
    }
}
