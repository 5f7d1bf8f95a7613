package io.gatehouse.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /v1/services}: the routes in force, in priority order, and the live state
 * of every upstream's targets.
 *
 * @param version   the route table's version; it grows with every reload
 * @param routes    the routes, first match first
 * @param upstreams the upstreams by name
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "Services", description = "Routes in force and the live health of their upstreams.")
public record ServicesReport(long version, List<Route> routes, List<Upstream> upstreams) {

    /**
     * One route.
     *
     * @param id        its id
     * @param match     what it matches
     * @param priority  its explicit priority
     * @param upstream  the upstream it forwards to
     * @param streaming whether it streams (container only)
     * @param websocket whether it proxies WebSocket upgrades (container only)
     * @param source    where it was defined: a file path, application configuration or the admin API
     */
    @Serdeable
    public record Route(String id, Match match, int priority, String upstream, boolean streaming, boolean websocket,
                        String source) {
    }

    /**
     * A route's matchers, as configured.
     *
     * @param path    the path pattern
     * @param hosts   the hosts; empty means any
     * @param methods the methods; empty means any
     * @param headers header matchers by lower-case name: a value, {@code ~regex} or {@code *}
     * @param query   query matchers by name, in the same notation
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Match(String path, List<String> hosts, List<String> methods, Map<String, String> headers,
                        Map<String, String> query) {
    }

    /**
     * One upstream and its live state.
     *
     * @param name         its name
     * @param loadBalancer its load-balancing policy
     * @param circuitState {@code closed}, {@code open}, {@code half_open} or {@code disabled}
     * @param targets      its targets in configured order
     */
    @Serdeable
    public record Upstream(String name, @JsonProperty("load_balancer") String loadBalancer,
                           @JsonProperty("circuit_state") String circuitState, List<Target> targets) {
    }

    /**
     * One target and its live state.
     *
     * @param url         its base URL
     * @param weight      its weight
     * @param status      {@code healthy}, {@code unhealthy} (active checks) or {@code ejected} (passive)
     * @param outstanding requests in flight to it now
     */
    @Serdeable
    public record Target(String url, int weight, String status, int outstanding) {
    }
}
