package io.gatehouse.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * One route or upstream as the admin API shows it.
 *
 * @param id         the route id or upstream name
 * @param source     where it is defined: the file's path, the application configuration, or {@code admin API}
 * @param readOnly   whether it is defined outside the admin API, so the API cannot change it
 * @param definition the object as stored (the JSON accepted by {@code PUT}); only for admin objects
 * @param revision   the store revision in force; only for admin objects
 * @param tenant     the tenant owning it; absent for a global object
 * @param unreachablePaths for a route, the gateway-owned paths its pattern matches, which the gateway
 *                   answers itself and never proxies; absent when there are none
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdminObject(
    String id,
    String source,
    @JsonProperty("read_only") boolean readOnly,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, ref = "#/components/schemas/AdminDefinition") Object definition,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Long revision,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String tenant,
    @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) @JsonProperty("unreachable_paths") List<String> unreachablePaths) {

    /**
     * @param paths the owned paths the route cannot reach
     * @return a copy that shows them, or this object when there are none
     */
    public AdminObject withUnreachablePaths(List<String> paths) {
        return paths.isEmpty() ? this : new AdminObject(id, source, readOnly, definition, revision, tenant, List.copyOf(paths));
    }
}
