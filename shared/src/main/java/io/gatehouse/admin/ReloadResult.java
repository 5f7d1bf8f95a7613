package io.gatehouse.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The answer of {@code POST /admin/reload}.
 *
 * @param tableVersion  the version of the route table now in force
 * @param routes        how many routes it has
 * @param upstreams     how many upstreams
 * @param adminRevision the admin store revision in force ({@code -1} when the store could not be read)
 */
@Serdeable
public record ReloadResult(
    @JsonProperty("table_version") long tableVersion,
    int routes,
    int upstreams,
    @JsonProperty("admin_revision") long adminRevision) {
}
