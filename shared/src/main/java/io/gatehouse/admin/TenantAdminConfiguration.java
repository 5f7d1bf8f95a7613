package io.gatehouse.admin;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;

/**
 * What a tenant administrator may write through the admin API, under {@code gateway.admin.tenants.*}.
 * The global administrator (the admin token) is not confined by any of it.
 *
 * <ul>
 *   <li>A tenant's route matches paths below its prefix only ({@code path-prefix}), so that it
 *       cannot capture another tenant's or a global route's traffic, and its {@code priority} is
 *       at most {@code max-priority}, so that it cannot outrank a global route in its prefix.</li>
 *   <li>A tenant's route uses its tenant's upstreams only, and the global upstreams named in
 *       {@code upstreams}: a global upstream with a tenant's own strip-prefix, rewrite and
 *       forwarded claims could reach backend paths no global route exposes.</li>
 *   <li>A tenant's upstream targets no loopback, link-local (such as the cloud metadata address
 *       {@code 169.254.169.254}) or unspecified address, unless {@code allowed-targets} lists it.</li>
 * </ul>
 */
@ConfigurationProperties(TenantAdminConfiguration.PREFIX)
public class TenantAdminConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.admin.tenants";

    /** The default prefix of a tenant's route paths; {@code {tenant}} is the tenant. */
    public static final String DEFAULT_PATH_PREFIX = "/{tenant}/";

    /** The default highest {@code priority} of a tenant's route. */
    public static final int DEFAULT_MAX_PRIORITY = 0;

    /** The placeholder of {@link #getPathPrefix()} replaced by the tenant. */
    public static final String TENANT_VARIABLE = "{tenant}";

    /** By default only the global administrator may show an external decision service the callers' credentials. */
    public static final boolean DEFAULT_FORWARD_CREDENTIALS = false;

    private String pathPrefix = DEFAULT_PATH_PREFIX;
    private int maxPriority = DEFAULT_MAX_PRIORITY;
    private boolean forwardCredentials = DEFAULT_FORWARD_CREDENTIALS;
    private List<String> upstreams = List.of();
    private List<String> allowedTargets = List.of();

    /**
     * The prefix every {@code match.path} of a tenant administrator's route starts with, a
     * template where {@code {tenant}} is the administrator's tenant. Default
     * {@value #DEFAULT_PATH_PREFIX}: the administrator of {@code acme} writes {@code /acme/**},
     * {@code /acme/orders/{id}}, ... A route matching the prefix without its last {@code /}
     * ({@code /acme}) is allowed too.
     *
     * @return the prefix template
     */
    public String getPathPrefix() {
        return pathPrefix;
    }

    /**
     * @param pathPrefix the prefix template; it must start with {@code /}
     */
    public void setPathPrefix(String pathPrefix) {
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException(PREFIX + ".path-prefix must start with '/', not '" + pathPrefix + "'");
        }
        this.pathPrefix = pathPrefix;
    }

    /**
     * @param tenant a tenant
     * @return the prefix of that tenant's route paths
     */
    public String pathPrefix(String tenant) {
        return pathPrefix.replace(TENANT_VARIABLE, tenant);
    }

    /**
     * The highest {@code priority} a tenant administrator's route may have. Default
     * {@value #DEFAULT_MAX_PRIORITY}: a tenant's route never outranks a global route with an
     * explicit priority.
     *
     * @return the ceiling
     */
    public int getMaxPriority() {
        return maxPriority;
    }

    /**
     * @param maxPriority the ceiling
     */
    public void setMaxPriority(int maxPriority) {
        this.maxPriority = maxPriority;
    }

    /**
     * Global upstreams (of the file, the configuration or the admin token) that tenant
     * administrators' routes may use besides their tenant's own. Default: none.
     *
     * @return the upstream names
     */
    public List<String> getUpstreams() {
        return upstreams;
    }

    /**
     * @param upstreams the upstream names
     */
    public void setUpstreams(List<String> upstreams) {
        this.upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
    }

    /**
     * Addresses a tenant's upstream may target although they are loopback, link-local or
     * unspecified: IP addresses ({@code 127.0.0.1}) or CIDR blocks ({@code 127.0.0.0/8},
     * {@code fd00::/8}). Default: none.
     *
     * @return the allowed addresses and blocks
     */
    public List<String> getAllowedTargets() {
        return allowedTargets;
    }

    /**
     * @param allowedTargets the allowed addresses and blocks
     */
    public void setAllowedTargets(List<String> allowedTargets) {
        this.allowedTargets = allowedTargets == null ? List.of() : List.copyOf(allowedTargets);
    }

    /**
     * Whether a tenant administrator's route may set {@code authorization.opa.forward-credentials:
     * true}, which shows the external decision service the callers' {@code Authorization}, cookies
     * and API keys unredacted. Default {@value #DEFAULT_FORWARD_CREDENTIALS}: such a route is
     * refused with 403 naming the key, and only the global administrator (or the file) may set it.
     * A tenant route that does not set the key follows {@code gateway.opa.forward-credentials}, which
     * only the global configuration sets.
     *
     * @return whether tenant administrators may set it
     */
    public boolean isForwardCredentials() {
        return forwardCredentials;
    }

    /**
     * @param forwardCredentials whether tenant administrators may set it
     */
    public void setForwardCredentials(boolean forwardCredentials) {
        this.forwardCredentials = forwardCredentials;
    }
}
