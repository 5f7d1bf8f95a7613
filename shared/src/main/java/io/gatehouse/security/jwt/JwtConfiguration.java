package io.gatehouse.security.jwt;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * JWT bearer token settings, under {@code gateway.jwt.*}. HMAC tokens (HS256/384/512) are checked
 * with {@link #getSecret() secret} or {@link #getSecretFile() secret-file}; RSA, EC and EdDSA tokens
 * with the keys published at {@link #getJwksUrls() jwks-urls}.
 */
@ConfigurationProperties(JwtConfiguration.PREFIX)
public class JwtConfiguration {

    /** The claim a tenant is read from unless {@code tenant-claims} says otherwise. */
    public static final String TENANT_CLAIM = "tenant";

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.jwt";

    /** JWT authentication is on by default (it still needs keys to accept anything). */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default clock skew allowed for {@code exp} and {@code nbf}, in seconds. */
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;

    /** The default largest token accepted, in characters (8 KiB). */
    public static final int DEFAULT_MAX_TOKEN_SIZE = 8192;

    /** By default a token must carry {@code exp}. */
    public static final boolean DEFAULT_REQUIRE_EXPIRATION = true;

    /** The default interval between two JWKS refreshes, in seconds. */
    public static final int DEFAULT_JWKS_REFRESH_INTERVAL_SECONDS = 300;

    /** The default shortest time between two refreshes caused by an unknown {@code kid}, in seconds. */
    public static final int DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

    /** The default time allowed for fetching one JWKS, in milliseconds. */
    public static final int DEFAULT_JWKS_TIMEOUT_MILLIS = 5000;

    /** The default claim that holds roles. */
    public static final String DEFAULT_ROLES_CLAIM = "roles";

    /** The smallest HMAC secret accepted, in bytes (RFC 7518 3.2: at least the hash size of HS256). */
    public static final int MIN_SECRET_BYTES = 32;

    private boolean enabled = DEFAULT_ENABLED;
    private String secret;
    private String secretFile;
    private List<String> jwksUrls = List.of();
    private List<String> issuers = List.of();
    private List<String> audiences = List.of();
    private List<String> requiredClaims = List.of();
    private List<String> tenantClaims = List.of(TENANT_CLAIM);
    private Duration clockSkew = Duration.ofSeconds(DEFAULT_CLOCK_SKEW_SECONDS);
    private int maxTokenSize = DEFAULT_MAX_TOKEN_SIZE;
    private boolean requireExpiration = DEFAULT_REQUIRE_EXPIRATION;
    private Duration jwksRefreshInterval = Duration.ofSeconds(DEFAULT_JWKS_REFRESH_INTERVAL_SECONDS);
    private Duration jwksCooldown = Duration.ofSeconds(DEFAULT_JWKS_COOLDOWN_SECONDS);
    private Duration jwksTimeout = Duration.ofMillis(DEFAULT_JWKS_TIMEOUT_MILLIS);
    private String rolesClaim = DEFAULT_ROLES_CLAIM;

    /**
     * Whether JWT bearer tokens are accepted at all. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether JWT authentication is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether JWT authentication is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The HMAC secret for HS256/384/512 tokens, at least {@value #MIN_SECRET_BYTES} bytes of UTF-8.
     * Unset by default; the environment variable {@code GATEWAY_JWT_SECRET} sets it. Without a secret
     * every HS* token is refused, which is what stops algorithm-confusion attacks.
     *
     * @return the secret, or {@code null}
     */
    public String getSecret() {
        return secret;
    }

    /**
     * @param secret the HMAC secret
     */
    public void setSecret(String secret) {
        this.secret = secret == null || secret.isEmpty() ? null : secret;
    }

    /**
     * A file holding the HMAC secret (a trailing newline is ignored), for secrets mounted by the
     * platform. Unset by default; used when {@link #getSecret()} is unset.
     *
     * @return the file path, or {@code null}
     */
    public String getSecretFile() {
        return secretFile;
    }

    /**
     * @param secretFile the file path
     */
    public void setSecretFile(String secretFile) {
        this.secretFile = secretFile == null || secretFile.isBlank() ? null : secretFile.trim();
    }

    /**
     * JWKS URLs whose keys verify RS*, PS*, ES* and EdDSA tokens. Empty by default.
     *
     * @return the URLs
     */
    public List<String> getJwksUrls() {
        return jwksUrls;
    }

    /**
     * @param jwksUrls the URLs
     */
    public void setJwksUrls(List<String> jwksUrls) {
        this.jwksUrls = clean(jwksUrls);
    }

    /**
     * Accepted {@code iss} values; empty (the default) accepts any issuer.
     *
     * @return the issuers
     */
    public List<String> getIssuers() {
        return issuers;
    }

    /**
     * @param issuers the accepted issuers
     */
    public void setIssuers(List<String> issuers) {
        this.issuers = clean(issuers);
    }

    /**
     * Accepted audiences: a token's {@code aud} must contain one of them. Empty (the default)
     * accepts any audience.
     *
     * @return the audiences
     */
    public List<String> getAudiences() {
        return audiences;
    }

    /**
     * @param audiences the accepted audiences
     */
    public void setAudiences(List<String> audiences) {
        this.audiences = clean(audiences);
    }

    /**
     * Claims every token must carry, besides {@code exp}; a token without one is refused with 401.
     * Routes can require more with {@code claims.required} (refused with 403). Empty by default.
     *
     * @return the claim names
     */
    public List<String> getRequiredClaims() {
        return requiredClaims;
    }

    /**
     * @param requiredClaims the claim names
     */
    public void setRequiredClaims(List<String> requiredClaims) {
        this.requiredClaims = clean(requiredClaims);
    }

    /**
     * Claims that name the tenant, first present wins; the environment variable
     * {@code GATEWAY_JWT_TENANT_CLAIMS} sets it. By default {@value #TENANT_CLAIM}, the claim the
     * gateway's own tokens carry their tenant in; the first name given here replaces it there too.
     *
     * @return the claim names
     */
    public List<String> getTenantClaims() {
        return tenantClaims;
    }

    /**
     * @param tenantClaims the claim names
     */
    public void setTenantClaims(List<String> tenantClaims) {
        this.tenantClaims = clean(tenantClaims);
    }

    /**
     * @return the claim the gateway's own tokens carry a tenant in: the first of {@link #getTenantClaims()}
     */
    public String tenantClaim() {
        return tenantClaims.isEmpty() ? TENANT_CLAIM : tenantClaims.getFirst();
    }

    /**
     * How far the clocks of the issuer and the gateway may disagree when {@code exp} and
     * {@code nbf} are checked. Default {@value #DEFAULT_CLOCK_SKEW_SECONDS} seconds.
     *
     * @return the skew
     */
    public Duration getClockSkew() {
        return clockSkew;
    }

    /**
     * @param clockSkew the skew
     */
    public void setClockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew == null || clockSkew.isNegative() ? Duration.ZERO : clockSkew;
    }

    /**
     * The longest token accepted, in characters; longer ones are refused before they are parsed.
     * Default {@value #DEFAULT_MAX_TOKEN_SIZE}.
     *
     * @return the limit
     */
    public int getMaxTokenSize() {
        return maxTokenSize;
    }

    /**
     * @param maxTokenSize the limit
     */
    public void setMaxTokenSize(int maxTokenSize) {
        this.maxTokenSize = maxTokenSize;
    }

    /**
     * Whether a token without {@code exp} is refused. Default {@value #DEFAULT_REQUIRE_EXPIRATION}.
     *
     * @return whether {@code exp} is required
     */
    public boolean isRequireExpiration() {
        return requireExpiration;
    }

    /**
     * @param requireExpiration whether {@code exp} is required
     */
    public void setRequireExpiration(boolean requireExpiration) {
        this.requireExpiration = requireExpiration;
    }

    /**
     * How often the JWKS URLs are fetched again, in the background (in the container) or at most
     * once per interval by a request (on Lambda). Default {@value #DEFAULT_JWKS_REFRESH_INTERVAL_SECONDS} seconds.
     *
     * @return the interval
     */
    public Duration getJwksRefreshInterval() {
        return jwksRefreshInterval;
    }

    /**
     * @param jwksRefreshInterval the interval
     */
    public void setJwksRefreshInterval(Duration jwksRefreshInterval) {
        this.jwksRefreshInterval = jwksRefreshInterval;
    }

    /**
     * The shortest time between two refreshes caused by a token whose {@code kid} is unknown, so
     * that key rotation is followed without letting forged tokens hammer the key server. Default
     * {@value #DEFAULT_JWKS_COOLDOWN_SECONDS} seconds.
     *
     * @return the cool-down
     */
    public Duration getJwksCooldown() {
        return jwksCooldown;
    }

    /**
     * @param jwksCooldown the cool-down
     */
    public void setJwksCooldown(Duration jwksCooldown) {
        this.jwksCooldown = jwksCooldown;
    }

    /**
     * The time allowed to fetch one JWKS. Default {@value #DEFAULT_JWKS_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getJwksTimeout() {
        return jwksTimeout;
    }

    /**
     * @param jwksTimeout the timeout
     */
    public void setJwksTimeout(Duration jwksTimeout) {
        this.jwksTimeout = jwksTimeout;
    }

    /**
     * The claim that holds the principal's roles (a list, or a space- or comma-separated string):
     * a name or a dotted path into nested claims, such as Keycloak's {@code realm_access.roles} or
     * {@code resource_access.<client>.roles} (an exact key wins over a path; see
     * {@code io.gatehouse.security.ClaimPath}). Default {@value #DEFAULT_ROLES_CLAIM}. Scopes always
     * come from {@code scope} and {@code scp}.
     *
     * @return the claim name or path
     */
    public String getRolesClaim() {
        return rolesClaim;
    }

    /**
     * @param rolesClaim the claim name
     */
    public void setRolesClaim(String rolesClaim) {
        this.rolesClaim = rolesClaim == null || rolesClaim.isBlank() ? DEFAULT_ROLES_CLAIM : rolesClaim.trim();
    }

    private static List<String> clean(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }
}
