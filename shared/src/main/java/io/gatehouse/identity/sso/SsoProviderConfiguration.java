package io.gatehouse.identity.sso;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.List;
import java.util.Map;

/**
 * One SSO provider from configuration, {@code gateway.sso.providers.<id>.*}. Read-only through
 * the admin API; providers added at run time live in the database instead.
 */
@EachProperty(SsoProviderConfiguration.PREFIX)
public class SsoProviderConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.sso.providers";

    /** The claim (or dotted path, such as {@code realm_access.roles}) holding a user's roles. */
    public static final String DEFAULT_ROLES_CLAIM = "roles";

    /** A configured provider is enabled by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The scopes asked for by default. */
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");

    /** A user's first login creates the user by default, as the login always did. */
    public static final boolean DEFAULT_AUTO_PROVISION = true;

    /** The claim (or dotted path) holding a user's groups, read for {@code group-roles}. */
    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    private final String id;
    private String issuer;
    private String clientId;
    private String clientSecret;
    private List<String> scopes = DEFAULT_SCOPES;
    private String tenant;
    private String rolesClaim = DEFAULT_ROLES_CLAIM;
    private boolean enabled = DEFAULT_ENABLED;
    private boolean autoProvision = DEFAULT_AUTO_PROVISION;
    private List<String> allowedDomains = List.of();
    private List<String> defaultRoles = List.of();
    private String groupsClaim = DEFAULT_GROUPS_CLAIM;
    private Map<String, List<String>> groupRoles = Map.of();

    /**
     * @param id the provider's id, the key under {@code gateway.sso.providers}
     */
    public SsoProviderConfiguration(@Parameter String id) {
        this.id = id;
    }

    /**
     * @return the provider's id, as used in {@code /v1/auth/login/<id>}
     */
    public String getId() {
        return id;
    }

    /**
     * The issuer; discovery is read from {@code <issuer>/.well-known/openid-configuration}. Required.
     *
     * @return the issuer URL
     */
    public String getIssuer() {
        return issuer;
    }

    /**
     * @param issuer the issuer URL
     */
    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    /**
     * The gateway's client id at the provider. Required.
     *
     * @return the client id
     */
    public String getClientId() {
        return clientId;
    }

    /**
     * @param clientId the client id
     */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    /**
     * The client secret, sent with {@code client_secret_basic} to the token endpoint. Required.
     *
     * @return the secret
     */
    public String getClientSecret() {
        return clientSecret;
    }

    /**
     * @param clientSecret the secret
     */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    /**
     * The scopes asked for; must include {@code openid}. Default {@code [openid, profile, email]}.
     *
     * @return the scopes
     */
    public List<String> getScopes() {
        return scopes;
    }

    /**
     * @param scopes the scopes
     */
    public void setScopes(List<String> scopes) {
        this.scopes = scopes == null || scopes.isEmpty() ? DEFAULT_SCOPES : List.copyOf(scopes);
    }

    /**
     * A fixed tenant for every user of this provider; when unset, the tenant is the first of
     * {@code gateway.jwt.tenant-claims} present in the ID token.
     *
     * @return the tenant, or {@code null}
     */
    public String getTenant() {
        return tenant;
    }

    /**
     * @param tenant the tenant
     */
    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    /**
     * The ID token claim, or dotted path into nested claims, holding the user's roles. Default
     * {@value #DEFAULT_ROLES_CLAIM}; Keycloak's realm roles are {@code realm_access.roles}.
     *
     * @return the claim or path
     */
    public String getRolesClaim() {
        return rolesClaim;
    }

    /**
     * @param rolesClaim the claim or path; blank keeps the default
     */
    public void setRolesClaim(String rolesClaim) {
        this.rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? DEFAULT_ROLES_CLAIM : rolesClaim.trim();
    }

    /**
     * Whether users may log in with this provider. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether it is enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether it is enabled
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Whether a user's first login with this provider creates the user (just in time). Default
     * {@value #DEFAULT_AUTO_PROVISION}; with {@code false} only users already known by provider
     * and subject may log in, others get 403 {@code user_not_provisioned}.
     *
     * @return whether users are provisioned on first login
     */
    public boolean isAutoProvision() {
        return autoProvision;
    }

    /**
     * @param autoProvision whether users are provisioned on first login
     */
    public void setAutoProvision(boolean autoProvision) {
        this.autoProvision = autoProvision;
    }

    /**
     * The email domains whose users may log in, compared with the domain of the ID token's
     * verified {@code email}; others get 403 {@code domain_not_allowed}. Default empty: every
     * domain, and no email needed.
     *
     * @return the domains
     */
    public List<String> getAllowedDomains() {
        return allowedDomains;
    }

    /**
     * @param allowedDomains the domains
     */
    public void setAllowedDomains(List<String> allowedDomains) {
        this.allowedDomains = allowedDomains == null ? List.of() : List.copyOf(allowedDomains);
    }

    /**
     * Roles every user of this provider gets in the session, besides those of the roles claim.
     * Default empty.
     *
     * @return the roles
     */
    public List<String> getDefaultRoles() {
        return defaultRoles;
    }

    /**
     * @param defaultRoles the roles
     */
    public void setDefaultRoles(List<String> defaultRoles) {
        this.defaultRoles = defaultRoles == null ? List.of() : List.copyOf(defaultRoles);
    }

    /**
     * The ID token claim, or dotted path, holding the user's groups for {@code group-roles}.
     * Default {@value #DEFAULT_GROUPS_CLAIM}.
     *
     * @return the claim or path
     */
    public String getGroupsClaim() {
        return groupsClaim;
    }

    /**
     * @param groupsClaim the claim or path; blank keeps the default
     */
    public void setGroupsClaim(String groupsClaim) {
        this.groupsClaim = groupsClaim == null || groupsClaim.isBlank() ? DEFAULT_GROUPS_CLAIM : groupsClaim.trim();
    }

    /**
     * Roles granted per group the user belongs to at the provider: group name (exactly as the
     * groups claim names it) to roles. Default empty.
     *
     * @return the map
     */
    public Map<String, List<String>> getGroupRoles() {
        return groupRoles;
    }

    /**
     * @param groupRoles the map
     */
    public void setGroupRoles(Map<String, List<String>> groupRoles) {
        this.groupRoles = groupRoles == null ? Map.of() : groupRoles;
    }
}
