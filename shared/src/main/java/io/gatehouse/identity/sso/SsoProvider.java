package io.gatehouse.identity.sso;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * One SSO provider as the login uses it, from configuration or from the database; immutable.
 *
 * @param id           the id in {@code /v1/auth/login/<id>}
 * @param issuer       the OpenID issuer
 * @param clientId     the gateway's client id there
 * @param clientSecret its client secret (never shown by the API)
 * @param scopes       the scopes asked for, {@code openid} among them
 * @param tenant       a fixed tenant for its users, or {@code null}
 * @param rolesClaim   the ID token claim or dotted path holding roles
 * @param enabled      whether logins are accepted
 * @param source       {@value #CONFIGURATION} or {@value #API}
 * @param createdAt    when it was added through the API, or {@code null}
 * @param updatedAt    when it was last changed through the API, or {@code null}
 */
public record SsoProvider(String id, String issuer, String clientId, String clientSecret, List<String> scopes,
                          @Nullable String tenant, String rolesClaim, boolean enabled, String source,
                          @Nullable Instant createdAt, @Nullable Instant updatedAt) {

    /** The source of providers from {@code gateway.sso.providers}. */
    public static final String CONFIGURATION = "configuration";

    /** The source of providers added through {@code /admin/sso-providers}. */
    public static final String API = "api";

    /**
     * Copies the scopes.
     */
    public SsoProvider {
        scopes = List.copyOf(scopes);
    }

    /**
     * @param other another provider
     * @return whether the login would talk to the provider the same way (issuer, client, secret)
     */
    boolean sameClient(SsoProvider other) {
        return issuer.equals(other.issuer) && clientId.equals(other.clientId) && clientSecret.equals(other.clientSecret);
    }
}
