package io.gatehouse.security.session;

/**
 * The claims of a session value beyond the registered ones ({@code sub} is the user id,
 * {@code jti} the session id, {@code exp} its end). Route rules and {@code claims.forward} name
 * them like any claim.
 */
public final class SessionClaims {

    /** The SSO provider the user logged in with. */
    public static final String PROVIDER = "provider";

    /** The user's subject at that provider (the ID token's {@code sub}). */
    public static final String PROVIDER_SUBJECT = "provider_sub";

    /** The roles, a list, read at login from the provider's roles claim. */
    public static final String ROLES = "roles";

    /** The scopes the provider granted at login, space-separated. */
    public static final String SCOPE = "scope";

    /** The tenant: the provider's fixed tenant, or the first of {@code gateway.jwt.tenant-claims} in the ID token. */
    public static final String TENANT = "tenant";

    /** The session id, the same as {@code jti}, under the name OpenID uses for sessions. */
    public static final String SID = "sid";

    private SessionClaims() {
    }
}
