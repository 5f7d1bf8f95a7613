package io.gatehouse.contract;

import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log, the same on every runtime: one JSON line per request on {@code gatehouse.access}
 * with every field (routed, refused, failed upstream, unmatched, own endpoint), the query's token
 * parameters redacted, and no secret the clients sent ({@code Authorization}, cookies, API keys,
 * token query parameters) in any log line written while the suite ran, the gateway's start and
 * every other logger included.
 */
public abstract class AccessLogContractTest extends ContractTestBase {

    private static final String ACCESS = "gatehouse.access";
    private static final JsonMapper JSON = JsonMapper.createDefault();

    /** Started before the gateway, so every line of its life is seen. */
    private final LogCapture logs = LogCapture.start();
    private final EchoUpstream orders = EchoUpstream.start("orders");
    private final List<String> secrets = new ArrayList<>();

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("gateway.jwt.secret", TestTokens.SECRET);
        p.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        p.put("gateway.jwt.tenant-claims", List.of("org"));
        p.put("gateway.upstreams.orders-svc.targets", List.of(orders.url()));
        p.put("gateway.upstreams.dead.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()));
        p.put("gateway.upstreams.dead.circuit-breaker.enabled", false);
        new ContractRoutes()
            .route("orders-log", "/log/{id}", "orders-svc", Map.of("auth", "jwt"))
            .route("open-log", "/open/**", "orders-svc", Map.of())
            .route("keyed-log", "/keyed/**", "orders-svc", Map.of("auth", "api-key"))
            .route("dead-log", "/dead/**", "dead", Map.of("retries", 0))
            .into(p);
        return p;
    }

    @AfterAll
    void secretsNeverLogged() {
        // Runs before the gateway stops (subclass @AfterAll first): its shutdown lines are not in yet.
        try {
            assertFalse(secrets.isEmpty(), "no secret was sent");
            List<LogCapture.Line> lines = logs.lines();
            assertFalse(lines.isEmpty(), "nothing was logged");
            for (LogCapture.Line line : lines) {
                for (String secret : secrets) {
                    assertFalse(line.text().contains(secret), "a secret in a log line: " + line.text());
                }
            }
        } finally {
            logs.close();
            orders.close();
        }
    }

    private String secret(String kind) {
        String secret = kind + UUID.randomUUID().toString().replace("-", "");
        secrets.add(secret);
        return secret;
    }

    /** The access-log line of a request, once written. */
    private JsonNode line(String requestId) {
        String[] found = new String[1];
        Await.until("the access-log line of " + requestId, Duration.ofSeconds(10), () -> {
            for (String message : logs.messages(ACCESS)) {
                if (message.contains("\"request_id\":\"" + requestId + "\"")) {
                    found[0] = message;
                    return true;
                }
            }
            return false;
        });
        assertEquals(1, logs.messages(ACCESS).stream().filter(m -> m.contains("\"request_id\":\"" + requestId + "\"")).count());
        try {
            return JSON.readValue(found[0], Argument.of(JsonNode.class));
        } catch (IOException e) {
            throw new UncheckedIOException(found[0], e);
        }
    }

    private static String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        assertNotNull(value, "no field " + field + " in " + line);
        return value.isNull() ? null : value.getStringValue();
    }

    private static long number(JsonNode line, String field) {
        JsonNode value = line.get(field);
        assertNotNull(value, "no field " + field);
        return value.getLongValue();
    }

    @Test
    void admittedRequest_thenOneLineWithEveryField() {
        String requestId = "acc-" + UUID.randomUUID();
        String bearer = TestTokens.hmac(TestTokens.claims("alice").claim("org", "acme").build(), com.nimbusds.jose.JWSAlgorithm.HS256);
        secrets.add(bearer);
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        ContractResponse response = send(ContractRequest.get("/log/7?access_token=" + secret("qtoken") + "&page=2")
            .header("Authorization", "Bearer " + bearer)
            .header("X-API-Key", secret("apikey"))
            .header("User-Agent", "contract-agent/1.0")
            .header("X-Request-ID", requestId)
            .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
            .cookie("session=" + secret("cookie")));
        assertEquals(200, response.status());
        JsonNode line = line(requestId);
        assertNotNull(Instant.parse(text(line, "time")));
        assertEquals(traceId, text(line, "trace_id"));
        assertEquals("orders-log", text(line, "route"));
        assertEquals("/log/{id}", text(line, "endpoint"));
        assertEquals("orders-svc", text(line, "upstream"));
        assertEquals(orders.url(), text(line, "target"));
        assertEquals("GET", text(line, "method"));
        String path = text(line, "path");
        assertTrue(path.startsWith("/log/7?"), path);
        assertTrue(path.contains("access_token=REDACTED") && path.contains("page=2"), path);
        assertEquals(200, number(line, "status"));
        assertEquals(0, number(line, "bytes_in"));
        assertEquals(response.body().length, number(line, "bytes_out"));
        double total = line.get("duration_ms").getDoubleValue();
        double upstream = line.get("upstream_ms").getDoubleValue();
        assertTrue(total >= upstream && upstream >= 0, total + " " + upstream);
        assertEquals("alice", text(line, "principal"));
        assertEquals("jwt", text(line, "auth"));
        assertEquals("acme", text(line, "tenant"));
        assertTrue(line.get("consumer").isNull());
        assertFalse(text(line, "client_ip").isBlank());
        assertEquals("contract-agent/1.0", text(line, "user_agent"));
        assertFalse(line.get("aborted").getBooleanValue());
    }

    @Test
    void postedBody_thenBytesInCounted() {
        String requestId = "acc-" + UUID.randomUUID();
        byte[] body = "{\"items\":[1,2,3]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ContractResponse response = send(ContractRequest.of("POST", "/open/things").header("X-Request-ID", requestId)
            .body("application/json", body));
        assertEquals(200, response.status());
        JsonNode line = line(requestId);
        assertEquals("POST", text(line, "method"));
        assertEquals(body.length, number(line, "bytes_in"));
        assertEquals(response.body().length, number(line, "bytes_out"));
        assertTrue(line.get("principal").isNull() && line.get("auth").isNull());
    }

    @Test
    void refusedCredentials_thenLoggedWithoutThem() {
        String badBearer = secret("badbearer");
        String requestId = "acc-" + UUID.randomUUID();
        assertEquals(401, send(ContractRequest.get("/log/8").header("Authorization", "Bearer " + badBearer)
            .header("X-Request-ID", requestId)).status());
        JsonNode line = line(requestId);
        assertEquals(401, number(line, "status"));
        assertTrue(line.get("upstream").isNull() && line.get("target").isNull() && line.get("upstream_ms").isNull());

        String keyId = "acc-" + UUID.randomUUID();
        assertEquals(401, send(ContractRequest.get("/keyed/x").header("X-API-Key", "gh_" + secret("badkey"))
            .header("X-Request-ID", keyId)).status());
        assertEquals(401, number(line(keyId), "status"));

        String cookieId = "acc-" + UUID.randomUUID();
        assertEquals(401, send(ContractRequest.get("/log/9").cookie("gatehouse_session=" + secret("badsession"))
            .header("X-Request-ID", cookieId)).status());
        assertEquals(401, number(line(cookieId), "status"));
    }

    @Test
    void upstreamDown_thenTheGatewaysStatusAndTheTarget() {
        String requestId = "acc-" + UUID.randomUUID();
        assertEquals(502, send(ContractRequest.get("/dead/x?token=" + secret("deadtoken"))
            .header("Authorization", "Bearer " + secret("deadbearer")).header("X-Request-ID", requestId)).status());
        JsonNode line = line(requestId);
        assertEquals(502, number(line, "status"));
        assertEquals("dead-log", text(line, "route"));
        assertTrue(text(line, "target").startsWith("http://127.0.0.1:"));
        assertTrue(line.get("upstream_ms").getDoubleValue() >= 0);
        assertEquals("/dead/x?token=REDACTED", text(line, "path"));
    }

    @Test
    void unmatchedAndOwnEndpoints_thenTheirLabels() {
        String unmatched = "acc-" + UUID.randomUUID();
        assertEquals(404, send(ContractRequest.get("/nowhere/" + UUID.randomUUID()).header("X-Request-ID", unmatched)).status());
        JsonNode line = line(unmatched);
        assertEquals("_unmatched", text(line, "route"));
        assertTrue(line.get("endpoint").isNull());
        assertEquals(404, number(line, "status"));

        String ping = "acc-" + UUID.randomUUID();
        assertEquals(200, send(ContractRequest.get("/ping").header("X-Request-ID", ping)).status());
        JsonNode own = line(ping);
        assertEquals("_gateway", text(own, "route"));
        assertEquals("/ping", text(own, "endpoint"));
        assertEquals(2, number(own, "bytes_out"));
    }
}
