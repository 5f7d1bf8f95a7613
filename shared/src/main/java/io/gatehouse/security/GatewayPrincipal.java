package io.gatehouse.security;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who made a request, as established by an {@link Authenticator}.
 *
 * @param subject the subject ({@code sub} of a JWT, a consumer name, a user id); {@code null} when anonymous
 * @param method  how it was established: {@code jwt}, {@code api-key}, {@code session}, or {@code none}
 * @param claims  the credential's claims as JSON values (numbers for times), empty when it has none
 * @param roles   the roles it holds
 * @param scopes  the scopes it was granted
 * @param tenant  the tenant it belongs to, or {@code null} when it belongs to none
 * @param tenantBound whether the credential was minted by the gateway for its tenant (a tenant
 *                consumer's API key, a token of the token service or of a tenant's OAuth client):
 *                such a credential reaches only routes bound to its tenant, or to any tenant
 *                ({@code tenant: "*"}), never a global route; see {@code RouteAccess}
 */
public record GatewayPrincipal(String subject, String method, Map<String, Object> claims, Set<String> roles,
                               Set<String> scopes, String tenant, boolean tenantBound) {

    /** The request attribute under which filters keep the principal of an admitted request. */
    public static final String ATTRIBUTE = "gatehouse.principal";

    /** The claim a JWT or session names its groups in (Keycloak, Okta and Entra ID all use {@code groups}). */
    public static final String GROUPS_CLAIM = "groups";

    /** The method of a request admitted by a route with {@code auth: none}. */
    public static final String NONE = "none";

    /** The principal of a request to a route that needs no authentication. */
    public static final GatewayPrincipal ANONYMOUS = new GatewayPrincipal(null, NONE, Map.of(), Set.of(), Set.of(), null);

    /**
     * Copies the collections, so a principal is immutable.
     */
    public GatewayPrincipal {
        claims = claims == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        tenantBound = tenantBound && tenant != null;
    }

    /**
     * A principal whose credential was not minted by the gateway for a tenant (an identity
     * provider's JWT, an anonymous caller): its tenant, if any, is the provider's word, and it
     * may reach global routes.
     *
     * @param subject the subject
     * @param method  how it was established
     * @param claims  the credential's claims
     * @param roles   the roles it holds
     * @param scopes  the scopes it was granted
     * @param tenant  its tenant, or {@code null}
     */
    public GatewayPrincipal(String subject, String method, Map<String, Object> claims, Set<String> roles, Set<String> scopes,
                            String tenant) {
        this(subject, method, claims, roles, scopes, tenant, false);
    }

    /**
     * @return whether no credential was checked
     */
    public boolean anonymous() {
        return NONE.equals(method);
    }

    /**
     * @param name a claim name, or a dotted path into nested claims ({@link ClaimPath})
     * @return the claim's value, or {@code null}
     */
    public Object claim(String name) {
        return ClaimPath.resolve(claims, name);
    }

    /**
     * The groups a route's {@code authorization.groups} allow and deny lists are checked against:
     * the principal's roles (an API-key consumer's groups; a JWT's {@code gateway.jwt.roles-claim})
     * and the values of its {@code groups} claim (a JWT or a session from an identity provider).
     *
     * @return the groups, roles first
     */
    public Set<String> groups() {
        Set<String> named = ClaimPath.words(claims.get(GROUPS_CLAIM));
        if (named.isEmpty()) {
            return roles;
        }
        Set<String> out = new LinkedHashSet<>(roles);
        out.addAll(named);
        return out;
    }
}
