package io.gatehouse.api;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Who may read {@code GET /v1/services}, under {@code gateway.services.*}.
 */
@ConfigurationProperties(ServicesConfiguration.PREFIX)
public class ServicesConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.services";

    /** By default the listing of global routes and upstreams answers without a credential. */
    public static final boolean DEFAULT_REQUIRE_ADMIN = false;

    private boolean requireAdmin = DEFAULT_REQUIRE_ADMIN;

    /**
     * Whether {@code GET /v1/services} needs an admin credential (the admin token, or a tenant
     * administrator, who then sees the global objects and its tenant's). Default
     * {@value #DEFAULT_REQUIRE_ADMIN}: anyone may list the global routes and upstreams, as service
     * discovery and status pages expect; a tenant's objects are listed to who reaches that tenant
     * either way. Turn it on where upstream addresses must stay private.
     *
     * @return whether a credential is needed
     */
    public boolean isRequireAdmin() {
        return requireAdmin;
    }

    /**
     * @param requireAdmin whether a credential is needed
     */
    public void setRequireAdmin(boolean requireAdmin) {
        this.requireAdmin = requireAdmin;
    }
}
