package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} after known traffic, the same on every runtime: exact counts per route, method
 * and status, the SSO gateway's families with their labels and bucket bounds, labels that are
 * route ids and templates and never raw paths (unmatched requests under one label), upstream calls
 * per target and outcome, retries, the breaker's state, refusals by reason, and OpenMetrics on
 * request. Every count is a difference between two scrapes around the traffic, so the tests do not
 * depend on their order.
 */
public abstract class MetricsContractTest extends ContractTestBase {

    /** {@code http_request_duration_seconds}' buckets, as the SSO gateway declared them (seconds). */
    static final List<Double> COMPAT_BUCKETS = List.of(0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1.0, Double.POSITIVE_INFINITY);
    /** {@code gatehouse_request_duration_seconds}' buckets: 0.1 ms to 60 s. */
    static final List<Double> REQUEST_BUCKETS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, Double.POSITIVE_INFINITY);

    private final EchoUpstream orders = EchoUpstream.start("orders");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("gateway.jwt.secret", TestTokens.SECRET);
        p.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        p.put("gateway.upstreams.orders-svc.targets", List.of(orders.url()));
        String closed = "http://127.0.0.1:" + TestUpstream.closedPort();
        p.put("gateway.upstreams.dead.targets", List.of(closed));
        p.put("gateway.upstreams.dead.outlier-detection.consecutive-failures", 0);
        p.put("gateway.upstreams.dead.circuit-breaker.enabled", false);
        new ContractRoutes()
            .route("orders", "/orders/{id}", "orders-svc", Map.of())
            .route("statuses", "/st/**", "orders-svc", Map.of("rewrite", "/status/{**}", "retries", 0))
            .route("secured", "/secured/**", "orders-svc", Map.of("auth", "jwt"))
            .route("r-dead", "/dead/**", "dead", Map.of("retries.attempts", 1, "retries.backoff", "10ms"))
            .route("limited", "/limited/**", "orders-svc", Map.of("limits", List.of(Map.of("by", "ip", "requests", 2, "per", "minute"))))
            .route("cached", "/cached/**", "orders-svc", Map.of("cache", Map.of("ttl", "60s")))
            .into(p);
        return p;
    }

    @AfterAll
    void stopUpstream() {
        orders.close();
    }

    /**
     * Whether the runtime's engine keeps its own connections to targets, and so publishes
     * {@code connection_pool_size} and {@code connection_pool_available}: the container's streaming
     * engine does; the buffered engine's HTTP client keeps its pool to itself.
     *
     * @return whether the pool gauges exist
     */
    protected boolean enginePoolsConnections() {
        return false;
    }

    /**
     * @return the scrape now, in Prometheus' text format
     */
    protected PrometheusText scrape() {
        ContractResponse response = send(ContractRequest.get("/metrics"));
        assertEquals(200, response.status(), response.text());
        return PrometheusText.parse(response.text());
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    @Test
    void routedTraffic_thenExactCountsPerRouteMethodAndStatus() {
        PrometheusText before = scrape();
        String id = UUID.randomUUID().toString();
        for (String path : List.of("/orders/1", "/orders/2", "/orders/" + id)) {
            assertEquals(200, send(ContractRequest.get(path)).status());
        }
        assertEquals(200, send(ContractRequest.of("POST", "/orders/9").body("application/json", "{\"n\":1}")).status());
        PrometheusText after = scrape();

        assertEquals(3, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "orders", "method", "GET", "status_class", "2xx"));
        assertEquals(1, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "orders", "method", "POST", "status_class", "2xx"));
        assertEquals(3, delta(before, after, "http_requests_total",
            "method", "GET", "endpoint", "/orders/{id}", "service", "orders-svc", "status_code", "200"));
        assertEquals(3, delta(before, after, "http_request_duration_seconds_count",
            "method", "GET", "endpoint", "/orders/{id}", "service", "orders-svc", "status_code", "200"));
        assertEquals(4, delta(before, after, "proxy_requests_total", "target_service", "orders-svc", "status_code", "200"));
        assertEquals(4, delta(before, after, "proxy_duration_seconds_count", "target_service", "orders-svc"));
        assertEquals(4, delta(before, after, "gatehouse_upstream_request_duration_seconds_count",
            "upstream", "orders-svc", "target", orders.url(), "outcome", "ok"));
        assertEquals(0, after.sum("http_requests_in_progress", "method", "GET", "endpoint", "/orders/{id}"));
        assertEquals(1, after.find("http_requests_in_progress", "method", "GET", "endpoint", "/orders/{id}").size());

        // The ids never become labels: the route's template does.
        for (String label : List.of("endpoint", "route", "target_service", "path", "uri")) {
            for (String value : after.labelValues(label)) {
                assertFalse(value.contains(id) || value.equals("/orders/1"), label + "=" + value);
            }
        }
    }

    @Test
    void histograms_thenExactlyTheDeclaredBuckets() {
        send(ContractRequest.get("/orders/buckets"));
        PrometheusText after = scrape();
        assertEquals(COMPAT_BUCKETS, after.bucketBounds("http_request_duration_seconds",
            "method", "GET", "endpoint", "/orders/{id}", "service", "orders-svc", "status_code", "200"));
        assertEquals(COMPAT_BUCKETS, after.bucketBounds("proxy_duration_seconds", "target_service", "orders-svc"));
        assertEquals(REQUEST_BUCKETS, after.bucketBounds("gatehouse_request_duration_seconds",
            "route", "orders", "method", "GET", "status_class", "2xx"));
        assertEquals(REQUEST_BUCKETS, after.bucketBounds("gatehouse_upstream_request_duration_seconds",
            "upstream", "orders-svc", "outcome", "ok"));
        // Cumulative buckets: +Inf holds every request.
        assertEquals(after.sum("http_request_duration_seconds_count", "endpoint", "/orders/{id}", "status_code", "200"),
            after.sum("http_request_duration_seconds_bucket", "endpoint", "/orders/{id}", "status_code", "200", "le", "+Inf"));
    }

    @Test
    void upstreamStatuses_thenStatusClassesAndServerErrorsPerTarget() {
        PrometheusText before = scrape();
        assertEquals(404, send(ContractRequest.get("/st/404")).status());
        assertEquals(503, send(ContractRequest.get("/st/503")).status());
        assertEquals(503, send(ContractRequest.get("/st/503")).status());
        PrometheusText after = scrape();
        assertEquals(1, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "statuses", "method", "GET", "status_class", "4xx"));
        assertEquals(2, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "statuses", "method", "GET", "status_class", "5xx"));
        assertEquals(2, delta(before, after, "http_requests_total", "endpoint", "/st/**", "status_code", "503"));
        assertEquals(2, delta(before, after, "proxy_requests_total", "target_service", "orders-svc", "status_code", "503"));
        assertEquals(2, delta(before, after, "gatehouse_upstream_request_duration_seconds_count",
            "upstream", "orders-svc", "outcome", "server_error"));
    }

    @Test
    void unmatchedPaths_thenOneLabelAndNoPathInAnyLabel() {
        PrometheusText before = scrape();
        String id = UUID.randomUUID().toString();
        assertEquals(404, send(ContractRequest.get("/nothing/" + id)).status());
        assertEquals(404, send(ContractRequest.get("/else/" + id + "/x")).status());
        PrometheusText after = scrape();
        assertEquals(2, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "_unmatched", "method", "GET", "status_class", "4xx"));
        assertEquals(2, delta(before, after, "http_requests_total",
            "method", "GET", "endpoint", "_unmatched", "service", "gatehouse", "status_code", "404"));
        assertTrue(after.samples().stream().flatMap(s -> s.labels().values().stream()).noneMatch(v -> v.contains(id)));
    }

    @Test
    void gatewayEndpoints_thenCountedUnderTheirTemplate() {
        PrometheusText before = scrape();
        assertEquals(200, send(ContractRequest.get("/ping")).status());
        assertEquals(200, send(ContractRequest.get("/ping")).status());
        PrometheusText after = scrape();
        assertEquals(2, delta(before, after, "http_requests_total",
            "method", "GET", "endpoint", "/ping", "service", "gatehouse", "status_code", "200"));
        // The scrape between the two counted itself.
        assertEquals(1, delta(before, after, "http_requests_total",
            "method", "GET", "endpoint", "/metrics", "service", "gatehouse", "status_code", "200"));
        assertEquals(3, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "_gateway", "method", "GET", "status_class", "2xx"));
    }

    @Test
    void refusedCaller_thenCountedByReasonWithoutTheCredential() {
        PrometheusText before = scrape();
        assertEquals(401, send(ContractRequest.get("/secured/a")).status());
        String bogus = "not-a-token-" + UUID.randomUUID();
        assertEquals(401, send(ContractRequest.get("/secured/b").header("Authorization", "Bearer " + bogus)).status());
        PrometheusText after = scrape();
        assertEquals(1, delta(before, after, "gatehouse_auth_refusals_total", "route", "secured", "reason", "missing_credentials"));
        assertEquals(1, delta(before, after, "gatehouse_auth_refusals_total", "route", "secured", "reason", "malformed"));
        assertEquals(2, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "secured", "method", "GET", "status_class", "4xx"));
        assertEquals(0, delta(before, after, "proxy_requests_total", "target_service", "orders-svc", "status_code", "401"));
        assertTrue(after.samples().stream().flatMap(s -> s.labels().values().stream()).noneMatch(v -> v.contains(bogus)));
    }

    @Test
    void connectFailureRetried_thenRetryAndBothAttemptsCounted() {
        PrometheusText before = scrape();
        assertEquals(502, send(ContractRequest.get("/dead/x")).status());
        PrometheusText after = scrape();
        assertEquals(1, delta(before, after, "gatehouse_upstream_retries_total", "upstream", "dead"));
        assertEquals(2, delta(before, after, "gatehouse_upstream_request_duration_seconds_count",
            "upstream", "dead", "outcome", "connect"));
        assertEquals(1, delta(before, after, "proxy_requests_total", "target_service", "dead", "status_code", "502"));
        assertEquals(1, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "r-dead", "method", "GET", "status_class", "5xx"));
    }

    @Test
    void rateLimitedRoute_thenAllowedAndDeniedPerRoute() {
        PrometheusText before = scrape();
        assertEquals(200, send(ContractRequest.get("/limited/a")).status());
        assertEquals(200, send(ContractRequest.get("/limited/b")).status());
        assertEquals(429, send(ContractRequest.get("/limited/c")).status());
        PrometheusText after = scrape();
        assertEquals(2, delta(before, after, "gatehouse_rate_limit_decisions_total", "route", "limited", "decision", "allowed"));
        assertEquals(1, delta(before, after, "gatehouse_rate_limit_decisions_total", "route", "limited", "decision", "denied"));
        assertEquals(1, delta(before, after, "gatehouse_request_duration_seconds_count",
            "route", "limited", "method", "GET", "status_class", "4xx"));
    }

    @Test
    void cachedRoute_thenTheSsoGatewaysHitAndMissCounters() {
        PrometheusText before = scrape();
        String path = "/cached/" + UUID.randomUUID();
        assertEquals(200, send(ContractRequest.get(path)).status());
        assertEquals(200, send(ContractRequest.get(path)).status());
        assertEquals(200, send(ContractRequest.get(path)).status());
        PrometheusText after = scrape();
        assertEquals(1, delta(before, after, "cache_misses_total", "route", "cached", "endpoint", "/cached/**"));
        assertEquals(2, delta(before, after, "cache_hits_total", "route", "cached", "endpoint", "/cached/**"));
        // Hits never reach the upstream: one call, one proxied request, three requests on the route.
        assertEquals(1, delta(before, after, "gatehouse_upstream_request_duration_seconds_count", "upstream", "orders-svc", "outcome", "ok"));
        assertEquals(1, delta(before, after, "proxy_requests_total", "target_service", "orders-svc", "status_code", "200"));
        assertEquals(3, delta(before, after, "http_requests_total", "endpoint", "/cached/**", "status_code", "200"));
    }

    @Test
    void breakerAndTargets_thenStateGauges() {
        PrometheusText after = scrape();
        assertEquals(1, after.sum("gatehouse_upstream_circuit_breaker_state", "upstream", "orders-svc", "state", "closed"));
        assertEquals(0, after.sum("gatehouse_upstream_circuit_breaker_state", "upstream", "orders-svc", "state", "open"));
        assertEquals(0, after.sum("gatehouse_upstream_circuit_breaker_state", "upstream", "orders-svc", "state", "half_open"));
        assertTrue(after.find("gatehouse_upstream_circuit_breaker_state", "upstream", "dead").isEmpty());
        assertEquals(1, after.sum("gatehouse_upstream_target_healthy", "upstream", "orders-svc", "target", orders.url()));
    }

    @Test
    void connectionPools_thenOpenAndIdleConnectionsPerTarget() {
        assertEquals(200, send(ContractRequest.get("/orders/pool")).status());
        PrometheusText after = scrape();
        List<PrometheusText.Sample> size = after.find("connection_pool_size", "pool", "orders-svc", "target", orders.url());
        List<PrometheusText.Sample> available = after.find("connection_pool_available", "pool", "orders-svc", "target", orders.url());
        if (!enginePoolsConnections()) {
            assertTrue(size.isEmpty() && available.isEmpty(), size + " " + available);
            return;
        }
        assertEquals(1, size.size());
        assertTrue(size.getFirst().value() >= 1, size.toString());
        // Every exchange is over: each open connection waits in the pool.
        assertEquals(size.getFirst().value(), available.getFirst().value());
    }

    @Test
    void openMetricsAsked_thenOpenMetricsText() {
        send(ContractRequest.get("/orders/om"));
        ContractResponse response = send(ContractRequest.get("/metrics").header("Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"));
        assertEquals(200, response.status());
        assertTrue(response.header("Content-Type").orElseThrow().startsWith("application/openmetrics-text; version=1.0.0"),
            response.header("Content-Type").orElseThrow());
        assertTrue(response.text().strip().endsWith("# EOF"), response.text());
        PrometheusText text = PrometheusText.parse(response.text());
        assertTrue(text.sum("http_requests_total", "endpoint", "/orders/{id}", "status_code", "200") >= 1);
        assertTrue(text.comments().contains("# TYPE http_requests counter"), String.join("\n", text.comments()));
    }
}
