package io.gatehouse.admin;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Which tenant owns each route and upstream in force, for the views outside the admin API
 * ({@code GET /v1/services}) that must not show one tenant's objects to anyone else. An object is
 * a tenant's when a tenant administrator created it, or, for a route of the file, when its
 * {@code tenant} names one tenant; everything else is global and absent from the maps.
 */
@Singleton
@Requires(beans = AdminService.class)
public final class TenantOwnership {

    private final AdminService service;

    TenantOwnership(AdminService service) {
        this.service = service;
    }

    /**
     * @return the owning tenant by route id, for the routes a tenant owns
     */
    public Map<String, String> routes() {
        return service.owners(AdminStore.Kind.ROUTE);
    }

    /**
     * @return the owning tenant by upstream name, for the upstreams a tenant owns
     */
    public Map<String, String> upstreams() {
        return service.owners(AdminStore.Kind.UPSTREAM);
    }
}
