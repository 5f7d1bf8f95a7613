package io.gatehouse.identity.sso;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One SSO provider as the login uses it, from configuration or from the database; immutable.
 *
 * @param id             the id in {@code /v1/auth/login/<id>}
 * @param issuer         the OpenID issuer
 * @param clientId       the gateway's client id there
 * @param clientSecret   its client secret (never shown by the API)
 * @param scopes         the scopes asked for, {@code openid} among them
 * @param tenant         a fixed tenant for its users, or {@code null}
 * @param rolesClaim     the ID token claim or dotted path holding roles
 * @param enabled        whether logins are accepted
 * @param source         {@value #CONFIGURATION} or {@value #API}
 * @param createdAt      when it was added through the API, or {@code null}
 * @param updatedAt      when it was last changed through the API, or {@code null}
 * @param provisioning   who may log in and which roles they get (just-in-time provisioning)
 */
public record SsoProvider(String id, String issuer, String clientId, String clientSecret, List<String> scopes,
                          @Nullable String tenant, String rolesClaim, boolean enabled, String source,
                          @Nullable Instant createdAt, @Nullable Instant updatedAt, Provisioning provisioning) {

    /** The source of providers from {@code gateway.sso.providers}. */
    public static final String CONFIGURATION = "configuration";

    /** The source of providers added through {@code /admin/sso-providers}. */
    public static final String API = "api";

    /** The only protocol a provider speaks today. */
    public static final String TYPE_OIDC = "oidc";

    /**
     * Copies the scopes.
     */
    public SsoProvider {
        scopes = copy(scopes);
        provisioning = provisioning == null ? Provisioning.DEFAULT : provisioning;
    }

    /**
     * @param values a list as given, which may be {@code null} or hold {@code null} (validation names those)
     * @return an unmodifiable copy
     */
    static <T> List<T> copy(List<T> values) {
        return values == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    /**
     * @param other another provider
     * @return whether the login would talk to the provider the same way (issuer, client, secret)
     */
    boolean sameClient(SsoProvider other) {
        return issuer.equals(other.issuer) && clientId.equals(other.clientId) && clientSecret.equals(other.clientSecret);
    }

    /**
     * The just-in-time controls of a provider, checked at the callback.
     *
     * @param autoProvision  whether a user's first login creates the user; when off, only users already known
     *                       (by provider and subject) may log in
     * @param allowedDomains the email domains admitted (lower case, exact); empty admits every domain
     * @param defaultRoles   roles every user of the provider gets
     * @param groupsClaim    the ID token claim or dotted path holding the user's groups
     * @param groupRoles     roles granted per group named in the groups claim
     */
    public record Provisioning(boolean autoProvision, List<String> allowedDomains, List<String> defaultRoles, String groupsClaim,
                               Map<String, List<String>> groupRoles) {

        /** Everybody provisioned, every domain, no extra role: the behaviour before these controls existed. */
        public static final Provisioning DEFAULT = new Provisioning(SsoProviderConfiguration.DEFAULT_AUTO_PROVISION, List.of(),
            List.of(), SsoProviderConfiguration.DEFAULT_GROUPS_CLAIM, Map.of());

        /**
         * Copies the lists and the map, keeping the map's order.
         */
        public Provisioning {
            allowedDomains = copy(allowedDomains);
            defaultRoles = copy(defaultRoles);
            groupsClaim = groupsClaim == null ? SsoProviderConfiguration.DEFAULT_GROUPS_CLAIM : groupsClaim;
            Map<String, List<String>> byGroup = new LinkedHashMap<>();
            if (groupRoles != null) {
                groupRoles.forEach((group, roles) -> byGroup.put(group, copy(roles)));
            }
            groupRoles = java.util.Collections.unmodifiableMap(byGroup);
        }

        /**
         * @param email the verified email address
         * @return whether its domain is admitted
         */
        public boolean admitsEmail(String email) {
            return allowedDomains.isEmpty() || allowedDomains.contains(domain(email));
        }

        /**
         * @param email an email address
         * @return the part after its last {@code @}, lower case, or empty
         */
        static String domain(String email) {
            int at = email.lastIndexOf('@');
            return at < 0 ? "" : email.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * @param claimRoles the roles the ID token names
         * @param groups     the groups the ID token names
         * @return the session's roles: the claim's, then the default roles, then those of each group, without repeats
         */
        public List<String> roles(List<String> claimRoles, List<String> groups) {
            java.util.LinkedHashSet<String> roles = new java.util.LinkedHashSet<>(claimRoles);
            roles.addAll(defaultRoles);
            for (String group : groups) {
                roles.addAll(groupRoles.getOrDefault(group, List.of()));
            }
            return List.copyOf(roles);
        }
    }
}
