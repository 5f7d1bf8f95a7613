package io.gatehouse.identity;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.annotation.Nullable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who calls the admin API, as {@link AdminCredentials} established it, and the tenant scope every
 * admin endpoint applies with it. The global administrator (the admin token) has no tenant and
 * reaches every object; a tenant administrator (a verified JWT, later a session, with an admin
 * role and a tenant) reaches the objects of its tenant only, and what it creates belongs to it.
 *
 * @param subject who it is: {@code admin-token}, or the credential's subject
 * @param method  how it was established: {@code admin-token}, {@code jwt}, {@code session}
 * @param tenant  its tenant, or {@code null} for the global administrator
 */
public record AdminPrincipal(String subject, String method, @Nullable String tenant) {

    /** The request attribute under which the admin filter keeps the principal. */
    public static final String ATTRIBUTE = "gatehouse.admin-principal";

    /** The global administrator: the holder of {@code gateway.admin.token}. */
    public static final AdminPrincipal GLOBAL = new AdminPrincipal("admin-token", "admin-token", null);

    /**
     * @return whether it reaches every tenant's objects
     */
    public boolean global() {
        return tenant == null;
    }

    /**
     * @param owner the tenant owning an object, or {@code null} for a global object
     * @return whether this administrator may see and change it
     */
    public boolean reaches(@Nullable String owner) {
        return global() || tenant.equals(owner);
    }

    /**
     * @param owner the tenant owning an object, or {@code null} for a global object
     * @param kind  what the object is ({@code route}, {@code consumer}, ...), for the message
     * @param id    its id
     * @throws GatewayException 403 {@code forbidden}, {@code details.reason} {@code cross_tenant}, when it is out of reach
     */
    public void check(@Nullable String owner, String kind, String id) {
        if (!reaches(owner)) {
            throw crossTenant("The " + kind + " '" + id + "' belongs to " + (owner == null ? "no tenant" : "another tenant")
                + "; a tenant administrator of '" + tenant + "' cannot reach it.", Map.of("kind", kind, "id", id));
        }
    }

    /**
     * The tenant an object this administrator creates or replaces belongs to.
     *
     * @param requested the tenant the request names, or {@code null}
     * @param kind      what the object is, for the message
     * @param id        its id
     * @return the requested tenant for the global administrator; the administrator's own for a tenant administrator
     * @throws GatewayException 403 {@code cross_tenant} when a tenant administrator names another tenant
     */
    public String stamp(@Nullable String requested, String kind, String id) {
        if (global()) {
            return requested;
        }
        if (requested != null && !requested.equals(tenant)) {
            throw crossTenant("A tenant administrator of '" + tenant + "' cannot give the " + kind + " '" + id
                + "' to another tenant.", Map.of("kind", kind, "id", id, "tenant", requested));
        }
        return tenant;
    }

    /**
     * The tenant a read of records of several tenants (such as the audit log) is confined to.
     *
     * @param requested the tenant the request filters by, or {@code null}
     * @param what      what is read, for the message
     * @return the requested tenant for the global administrator (any, or none); the administrator's
     *         own for a tenant administrator, whatever it asked for
     * @throws GatewayException 403 {@code cross_tenant} when a tenant administrator asks for another tenant
     */
    public String confine(@Nullable String requested, String what) {
        if (global()) {
            return requested;
        }
        if (requested != null && !requested.equals(tenant)) {
            throw crossTenant("A tenant administrator of '" + tenant + "' cannot read the " + what + " of another tenant.",
                Map.of("kind", what, "tenant", requested));
        }
        return tenant;
    }

    /**
     * @param what what only the global administrator may do, for the message
     * @throws GatewayException 403 {@code forbidden}, {@code details.reason} {@code global_admin_required}, for a tenant administrator
     */
    public void requireGlobal(String what) {
        if (!global()) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Only the global administrator may " + what + ".",
                Map.of("reason", "global_admin_required"), Map.of());
        }
    }

    private static GatewayException crossTenant(String message, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "cross_tenant");
        details.putAll(more);
        return new GatewayException(ErrorCode.FORBIDDEN, message, details, Map.of());
    }

    @Override
    public String toString() {
        return method + " " + subject + (tenant == null ? " (global)" : " (tenant " + tenant + ")");
    }
}
