package io.gatehouse.identity.sso;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.util.List;

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

    private final String id;
    private String issuer;
    private String clientId;
    private String clientSecret;
    private List<String> scopes = DEFAULT_SCOPES;
    private String tenant;
    private String rolesClaim = DEFAULT_ROLES_CLAIM;
    private boolean enabled = DEFAULT_ENABLED;

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
}
