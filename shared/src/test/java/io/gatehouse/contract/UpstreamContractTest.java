package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestTokens;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstreams seen through HTTP, the same on every runtime: each load-balancing policy across real
 * loopback servers ({@link EchoUpstream}, which names itself in every answer), passive outlier
 * ejection and its end, active health checks, and every state of the circuit breaker, each
 * observed by a client and in {@code GET /v1/services}. The policies' arithmetic is proven in
 * {@code io.gatehouse.upstream}; this suite proves that requests through each engine follow it.
 *
 * <p>Timings: the breaker waits 2 s in open, an ejection lasts 3 s and health probes run every
 * 100 ms. The tests await states (polling {@code /v1/services}) rather than sleep, and assert
 * nothing that a slow machine could break: a request that reached an ejected target is only an
 * error if the ejection cannot have ended yet.
 */
public abstract class UpstreamContractTest extends ContractTestBase {

    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Duration EJECTION = Duration.ofSeconds(3);
    private static final int WAIT_IN_OPEN_SECONDS = 2;

    private final EchoUpstream one = EchoUpstream.start("one");
    private final EchoUpstream two = EchoUpstream.start("two");
    private final EchoUpstream three = EchoUpstream.start("three");
    private final EchoUpstream healthA = EchoUpstream.start("health-a");
    private final EchoUpstream healthB = EchoUpstream.start("health-b");
    private final EchoUpstream breakerCloses = EchoUpstream.start("breaker-closes");
    private final EchoUpstream breakerReopens = EchoUpstream.start("breaker-reopens");
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Whether this runtime probes targets in the background. Lambda does not
     * ({@code gateway.health-checks.enabled: false}: an instance is frozen between invocations), so
     * there a failing health endpoint is never asked and the target keeps its traffic.
     *
     * @return whether active health checks run
     */
    protected boolean activeHealthChecks() {
        return true;
    }

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("gateway.config-file", definitionFile(definition()).toString());
        p.put("gateway.jwt.secret", TestTokens.SECRET);
        p.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        p.put("gateway.jwt.audiences", List.of(TestTokens.AUDIENCE));
        return p;
    }

    private String definition() {
        String breaker = """
                outlier-detection: { consecutive-failures: 0 }
                circuit-breaker:
                  failure-rate-threshold: 50
                  minimum-calls: 2
                  sliding-window: 2
                  wait-in-open: %ds
                  permitted-in-half-open: 1
            """.formatted(WAIT_IN_OPEN_SECONDS).stripTrailing();
        return """
            upstreams:
              round-robin:
                targets: [ "%1$s", "%2$s", "%3$s" ]
              weighted:
                load-balancer: weighted
                targets:
                  - { url: "%1$s", weight: 3 }
                  - { url: "%2$s", weight: 1 }
              least-outstanding:
                load-balancer: least-outstanding
                targets: [ "%1$s", "%2$s" ]
              by-header:
                load-balancer: consistent-hash
                hash-on: header:X-User-Id
                targets: [ "%1$s", "%2$s", "%3$s" ]
              by-claim:
                load-balancer: consistent-hash
                hash-on: claim:sub
                targets: [ "%1$s", "%2$s", "%3$s" ]
              by-nested-claim:
                load-balancer: consistent-hash
                hash-on: claim:organization.id
                targets: [ "%1$s", "%2$s", "%3$s" ]
              outliers:
                targets: [ "%1$s", "%2$s" ]
                outlier-detection: { consecutive-failures: 1, ejection-time: %4$dms }
                circuit-breaker: { enabled: false }
              probed:
                targets: [ "%5$s", "%6$s" ]
                health-check: { path: /healthz, interval: 100ms, timeout: 1s, healthy-threshold: 1, unhealthy-threshold: 1 }
                outlier-detection: { consecutive-failures: 0 }
                circuit-breaker: { enabled: false }
              breaker-closes:
                targets: [ "%7$s" ]
            %9$s
              breaker-reopens:
                targets: [ "%8$s" ]
            %9$s
            routes:
              - { id: round-robin, match: { path: "/lb/rr/**" }, upstream: round-robin, strip-prefix: true }
              - { id: weighted, match: { path: "/lb/weighted/**" }, upstream: weighted, strip-prefix: true }
              - { id: least-outstanding, match: { path: "/lb/least/**" }, upstream: least-outstanding, strip-prefix: true }
              - { id: by-header, match: { path: "/lb/header/**" }, upstream: by-header, strip-prefix: true }
              - { id: by-claim, match: { path: "/lb/claim/**" }, upstream: by-claim, strip-prefix: true, auth: jwt }
              - { id: by-nested-claim, match: { path: "/lb/nested-claim/**" }, upstream: by-nested-claim, strip-prefix: true, auth: jwt }
              - { id: outliers, match: { path: "/outliers/**" }, upstream: outliers, strip-prefix: true, retries: 0 }
              - { id: probed, match: { path: "/probed/**" }, upstream: probed, strip-prefix: true }
              - { id: breaker-closes, match: { path: "/breaker/closes/**" }, upstream: breaker-closes, strip-prefix: true, retries: 0 }
              - { id: breaker-reopens, match: { path: "/breaker/reopens/**" }, upstream: breaker-reopens, strip-prefix: true, retries: 0 }
            """.formatted(one.url(), two.url(), three.url(), EJECTION.toMillis(), healthA.url(), healthB.url(),
            breakerCloses.url(), breakerReopens.url(), breaker);
    }

    @AfterAll
    void stopUpstreams() {
        background.shutdownNow();
        for (EchoUpstream upstream : List.of(one, two, three, healthA, healthB, breakerCloses, breakerReopens)) {
            upstream.close();
        }
    }

    /** Sends the request and returns the name of the target that answered it. */
    private String answeredBy(ContractRequest request) {
        ContractResponse response = send(request);
        assertEquals(200, response.status(), response.text());
        return response.json().get("upstream").getStringValue();
    }

    private List<String> answeredBy(String path, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(answeredBy(ContractRequest.get(path)));
        }
        return names;
    }

    private static Map<String, Long> counts(List<String> names) {
        return names.stream().collect(Collectors.groupingBy(n -> n, LinkedHashMap::new, Collectors.counting()));
    }

    private JsonNode upstreamInServices(String name) {
        ContractResponse response = send(ContractRequest.get("/v1/services"));
        assertEquals(200, response.status(), response.text());
        JsonNode upstreams = response.json().get("upstreams");
        for (int i = 0; i < upstreams.size(); i++) {
            if (name.equals(upstreams.get(i).get("name").getStringValue())) {
                return upstreams.get(i);
            }
        }
        throw new AssertionError("no upstream " + name + " in " + upstreams);
    }

    private String circuitState(String upstream) {
        return upstreamInServices(upstream).get("circuit_state").getStringValue();
    }

    private String targetStatus(String upstream, EchoUpstream target) {
        JsonNode targets = upstreamInServices(upstream).get("targets");
        for (int i = 0; i < targets.size(); i++) {
            if (target.url().equals(targets.get(i).get("url").getStringValue())) {
                return targets.get(i).get("status").getStringValue();
            }
        }
        throw new AssertionError("no target " + target.url() + " in " + targets);
    }

    // --- load balancing -------------------------------------------------------------------------

    @Test
    void roundRobin_thenThreeTargetsTakeTurns() {
        List<String> names = answeredBy("/lb/rr/x", 30);
        assertEquals(Map.of("one", 10L, "two", 10L, "three", 10L), counts(names), names.toString());
        assertEquals(3, Set.copyOf(names.subList(0, 3)).size(), names.toString());
        for (int i = 3; i < names.size(); i++) {
            assertEquals(names.get(i - 3), names.get(i), "the same order every round: " + names);
        }
    }

    @Test
    void weighted_thenTrafficInTheRatioOfTheWeights() {
        List<String> names = answeredBy("/lb/weighted/x", 40);
        assertEquals(Map.of("one", 30L, "two", 10L), counts(names), "weights 3:1: " + names);
    }

    @Test
    void leastOutstanding_thenTheTargetBusyWithASlowRequestIsAvoided() throws Exception {
        CompletableFuture<ContractResponse> slow = CompletableFuture.supplyAsync(() -> send(ContractRequest.get("/lb/least/hold")),
            background);
        try {
            Await.until("the slow request held by a target", DEADLINE, () -> one.held() + two.held() == 1);
            EchoUpstream busy = one.held() == 1 ? one : two;
            String idle = busy == one ? "two" : "one";
            List<String> names = answeredBy("/lb/least/x", 8);
            assertEquals(Map.of(idle, 8L), counts(names), "while " + busy.url() + " holds a request: " + names);
        } finally {
            one.releaseHeld();
            two.releaseHeld();
        }
        assertEquals(200, slow.get(30, TimeUnit.SECONDS).status());
        List<String> names = answeredBy("/lb/least/x", 4);
        assertEquals(Map.of("one", 2L, "two", 2L), counts(names), "nothing in flight: ties in turn: " + names);
    }

    Stream<Arguments> hashKeys() {
        Function<String, ContractRequest> header = key -> ContractRequest.get("/lb/header/x").header("X-User-Id", key);
        Function<String, ContractRequest> claim = key -> ContractRequest.get("/lb/claim/x")
            .header("Authorization", "Bearer " + TestTokens.hmac(TestTokens.claims(key).build(), JWSAlgorithm.HS256));
        Function<String, ContractRequest> nested = key -> ContractRequest.get("/lb/nested-claim/x").header("Authorization", "Bearer "
            + TestTokens.hmac(TestTokens.claims("same-subject").claim("organization", Map.of("id", key)).build(), JWSAlgorithm.HS256));
        return Stream.of(
            Arguments.of("header X-User-Id", header),
            Arguments.of("claim sub of a JWT", claim),
            Arguments.of("nested claim organization.id of a JWT", nested));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashKeys")
    void consistentHash_thenSameKeySameTargetAndKeysSpread(String name, Function<String, ContractRequest> request) {
        // 20 keys, not a multiple of 3: a round robin would send each key's second request elsewhere.
        Map<String, String> first = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            first.put("user-" + i, answeredBy(request.apply("user-" + i)));
        }
        for (Map.Entry<String, String> key : first.entrySet()) {
            assertEquals(key.getValue(), answeredBy(request.apply(key.getKey())), "key " + key.getKey() + " moved: " + first);
        }
        assertTrue(new HashSet<>(first.values()).size() >= 2, "20 keys on one target of three: " + first);
    }

    @Test
    void consistentHashWithoutTheKey_thenRoundRobin() {
        List<String> names = answeredBy("/lb/header/x", 6);
        assertEquals(Map.of("one", 2L, "two", 2L, "three", 2L), counts(names), names.toString());
    }

    // --- outlier detection ----------------------------------------------------------------------

    @Test
    void failingTarget_thenEjectedInServicesAndWithoutTrafficUntilEjectionEnds() {
        long failedAt = System.nanoTime();
        ContractResponse failure = send(ContractRequest.get("/outliers/status/500"));
        assertEquals(500, failure.status(), "the upstream's own 500 passes through");
        EchoUpstream ejected = failure.header("X-Upstream").orElseThrow().equals(one.name()) ? one : two;
        EchoUpstream other = ejected == one ? two : one;
        assertEquals("ejected", targetStatus("outliers", ejected));
        assertEquals("healthy", targetStatus("outliers", other));

        for (int i = 0; i < 6; i++) {
            if (answeredBy(ContractRequest.get("/outliers/x")).equals(ejected.name())) {
                assertTrue(System.nanoTime() - failedAt >= EJECTION.toNanos(), "the ejected target got traffic during its ejection");
            }
        }

        Await.until("the ejection ends", DEADLINE, () -> targetStatus("outliers", ejected).equals("healthy"));
        assertEquals(Set.of("one", "two"), Set.copyOf(answeredBy("/outliers/x", 4)), "back in the rotation");
    }

    // --- active health checks -------------------------------------------------------------------

    @Test
    void healthEndpointFails_thenTargetUnhealthyWithoutTrafficUntilItPassesAgain() {
        if (!activeHealthChecks()) {
            healthA.health(503);
            assertEquals(Set.of("health-a", "health-b"), Set.copyOf(answeredBy("/probed/x", 4)), "both keep their traffic");
            assertEquals(0, healthA.probes() + healthB.probes(), "nothing probes in the background here");
            assertEquals("healthy", targetStatus("probed", healthA));
            return;
        }
        Await.until("both targets probed", DEADLINE, () -> healthA.probes() > 0 && healthB.probes() > 0);
        healthA.health(503);
        Await.until("health-a marked unhealthy", DEADLINE, () -> targetStatus("probed", healthA).equals("unhealthy"));
        assertEquals("healthy", targetStatus("probed", healthB));
        int before = healthA.requests();
        assertEquals(Map.of("health-b", 6L), counts(answeredBy("/probed/x", 6)));
        assertEquals(before, healthA.requests(), "an unhealthy target gets no request");

        healthA.health(200);
        Await.until("health-a healthy again", DEADLINE, () -> targetStatus("probed", healthA).equals("healthy"));
        assertEquals(Set.of("health-a", "health-b"), Set.copyOf(answeredBy("/probed/x", 4)), "back in the rotation");
    }

    // --- circuit breaker ------------------------------------------------------------------------

    Stream<Arguments> halfOpenProbes() {
        return Stream.of(
            Arguments.of("probe succeeds: closed", "breaker-closes", breakerCloses, 200, "closed"),
            Arguments.of("probe fails: open again", "breaker-reopens", breakerReopens, 500, "open"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("halfOpenProbes")
    void failuresOpenTheCircuit_then503WithoutTheUpstreamAndAHalfOpenProbeDecides(String name, String upstream, EchoUpstream target,
                                                                                 int probeStatus, String after) throws Exception {
        String route = "/" + upstream.replace('-', '/');
        assertEquals("closed", circuitState(upstream));

        assertEquals(500, send(ContractRequest.get(route + "/status/500")).status());
        assertEquals("closed", circuitState(upstream), "one call is below minimum-calls");
        assertEquals(500, send(ContractRequest.get(route + "/status/500")).status());
        assertEquals("open", circuitState(upstream), "two failures of two calls");

        int reached = target.requests();
        ContractResponse refused = send(ContractRequest.get(route + "/x"));
        JsonNode error = assertEnvelope(refused, 503, "service_unavailable");
        JsonNode details = error.get("details");
        assertEquals("circuit_open", details.get("reason").getStringValue());
        assertEquals(upstream, details.get("upstream").getStringValue());
        long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= WAIT_IN_OPEN_SECONDS, "Retry-After " + retryAfter);
        assertEquals(retryAfter, details.get("retry_after_seconds").getLongValue());
        assertEquals(reached, target.requests(), "an open circuit keeps requests from the upstream");

        Await.until("half-open after wait-in-open", DEADLINE, () -> circuitState(upstream).equals("half_open"));
        CompletableFuture<ContractResponse> probe = CompletableFuture.supplyAsync(
            () -> send(ContractRequest.get(route + "/hold?status=" + probeStatus)), background);
        try {
            Await.until("the probe held by the upstream", DEADLINE, () -> target.held() == 1);
            ContractResponse beyondProbes = send(ContractRequest.get(route + "/x"));
            assertEquals("circuit_open", assertEnvelope(beyondProbes, 503, "service_unavailable").get("details").get("reason")
                .getStringValue(), "the one permitted probe is taken");
            assertEquals("1", beyondProbes.header("Retry-After").orElseThrow());
            assertEquals("half_open", circuitState(upstream));
        } finally {
            target.releaseHeld();
        }
        assertEquals(probeStatus, probe.get(30, TimeUnit.SECONDS).status(), "the probe reached the upstream");
        assertEquals(reached + 1, target.requests());
        assertEquals(after, circuitState(upstream));

        ContractResponse next = send(ContractRequest.get(route + "/x"));
        if (after.equals("closed")) {
            assertEquals(200, next.status(), next.text());
        } else {
            assertEquals("circuit_open", assertEnvelope(next, 503, "service_unavailable").get("details").get("reason").getStringValue());
            assertEquals(reached + 1, target.requests());
        }
    }

    @Test
    void breakerDisabled_thenServicesSaysDisabled() {
        assertEquals("disabled", circuitState("outliers"));
        assertNotEquals("disabled", circuitState("round-robin"));
    }
}
