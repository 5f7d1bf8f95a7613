package io.gatehouse.observability.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of {@code /v1/health/ready} and {@code /v1/health/live}: what a load balancer or an
 * orchestrator's probe needs, and nothing that costs a dependency call.
 *
 * @param status        {@code ok}, or {@code draining} once the instance's shutdown has begun
 * @param drainingSince when draining began (ISO-8601), absent while ready
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeReport(@Schema(allowableValues = {"ok", "draining"}) String status, @JsonProperty("draining_since") @Nullable String drainingSince) {

    /** The answer of a ready or live instance. */
    public static final ProbeReport OK = new ProbeReport("ok", null);
}
