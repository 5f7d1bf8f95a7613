package io.gatehouse.container;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.ContractResponse;
import io.gatehouse.contract.ContractTestBase;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rate-limit store dies mid-run and comes back. The Redis is a {@code redis-server} of this
 * test's own, on a free port (never the shared one): killed, a limit with
 * {@code on-store-failure: deny} answers 503 and one with the default {@code allow-local} counts
 * on this instance alone; {@code /v1/health} is {@code degraded} with the failing
 * {@code rate-limit-store} check, {@code /metrics} counts the failures and shows the degraded
 * gauge, and the change is logged once; restarted, limits are shared again, health is
 * {@code ok} again, and the recovery is logged once.
 */
class RateLimitStoreOutageTest {

    private Process redis;
    private ListAppender<ILoggingEvent> log;

    @AfterEach
    void stop() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (log != null) {
            ((Logger) LoggerFactory.getLogger("io.gatehouse.policy.limit.LimitStore")).detachAppender(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Process startRedis(int port) throws Exception {
        Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(Await.millisUntil(() -> {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, 10_000) >= 0, "redis-server did not start on " + port);
        return process;
    }

    private static double metric(GatewayTransport gateway, String name) {
        return metric(gateway, name, "");
    }

    private static double metric(GatewayTransport gateway, String name, String label) {
        String text = gateway.send(ContractRequest.get("/metrics")).text();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*" + Pattern.quote(label) + "[^}]*})? ([0-9.E+-]+)$")
            .matcher(text);
        assertTrue(m.find(), name + " not in /metrics:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode health(GatewayTransport gateway) {
        return gateway.send(ContractRequest.get("/v1/health")).json();
    }

    @Test
    void redisKilledMidRunAndRestarted_thenFailModesHealthMetricsAndRecovery() throws Exception {
        int port = freePort();
        redis = startRedis(port);
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("io.gatehouse.policy.limit.LimitStore")).addAppender(log);
        try (TestUpstream upstream = TestUpstream.start()) {
            Path file = Files.createTempFile("gatehouse-limit-outage", ".yml");
            file.toFile().deleteOnExit();
            Files.writeString(file, """
                upstreams:
                  svc: { targets: ["%s"] }
                routes:
                  - id: local
                    match: { path: "/local/**" }
                    upstream: svc
                    limits: [ { by: ip, requests: 3, per: hour } ]
                  - id: deny
                    match: { path: "/deny/**" }
                    upstream: svc
                    limits: [ { by: ip, requests: 100, per: hour, on-store-failure: deny } ]
                """.formatted(upstream.url()));
            Map<String, Object> properties = Map.of(
                "spec.name", ContractTestBase.SPEC,
                "gateway.config-file", file.toString(),
                "gateway.rate-limit.redis-uri", "redis://127.0.0.1:" + port,
                "gateway.rate-limit.store-timeout", "300ms",
                "gateway.rate-limit.retry-interval", "200ms");
            try (GatewayTransport gateway = new NettyRuntime().start(properties)) {
                // Up: counted in Redis.
                ContractResponse first = gateway.send(ContractRequest.get("/local/x"));
                assertEquals(200, first.status(), first.text());
                assertEquals("2", first.header("RateLimit-Remaining").orElseThrow());
                assertEquals(200, gateway.send(ContractRequest.get("/deny/x")).status());
                JsonNode up = health(gateway);
                assertEquals("ok", up.get("checks").get("rate-limit-store").get("status").getStringValue(), up.toString());
                assertEquals(0.0, metric(gateway, "gatehouse_rate_limit_store_degraded"));

                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                // Down: deny refuses with 503 as soon as the failure is seen.
                assertTrue(Await.millisUntil(() -> gateway.send(ContractRequest.get("/deny/x")).status() == 503, 10_000) >= 0,
                    "the deny limit never refused while Redis was down");
                ContractResponse denied = gateway.send(ContractRequest.get("/deny/x"));
                assertEquals(503, denied.status(), denied.text());
                JsonNode error = denied.json().get("error");
                assertEquals("service_unavailable", error.get("code").getStringValue());
                assertEquals("rate_limit_store_unavailable", error.get("details").get("reason").getStringValue());
                assertNotNull(denied.header("Retry-After").orElse(null));

                // Allow-local: a bucket of the same shape on this instance; it counts and refuses on its own.
                for (int remaining = 2; remaining >= 0; remaining--) {
                    ContractResponse local = gateway.send(ContractRequest.get("/local/x"));
                    assertEquals(200, local.status(), local.text());
                    assertEquals(Integer.toString(remaining), local.header("RateLimit-Remaining").orElseThrow());
                }
                assertEquals(429, gateway.send(ContractRequest.get("/local/x")).status());

                JsonNode degraded = health(gateway);
                assertEquals("degraded", degraded.get("status").getStringValue(), degraded.toString());
                JsonNode check = degraded.get("checks").get("rate-limit-store");
                assertEquals("down", check.get("status").getStringValue());
                assertFalse(check.get("critical").getBooleanValue());
                assertEquals(1.0, metric(gateway, "gatehouse_rate_limit_store_degraded"));
                assertTrue(metric(gateway, "gatehouse_rate_limit_store_failures_total") >= 1);
                assertTrue(metric(gateway, "gatehouse_rate_limit_store_fallbacks_total", "mode=\"allow-local\"") >= 4);

                // Back: counted in Redis again (a new, empty one: it keeps no data), not in the exhausted local bucket.
                redis = startRedis(port);
                assertTrue(Await.millisUntil(() -> gateway.send(ContractRequest.get("/deny/x")).status() == 200, 15_000) >= 0,
                    "the store never recovered");
                ContractResponse shared = gateway.send(ContractRequest.get("/local/x"));
                assertEquals(200, shared.status(), shared.text());
                assertEquals("2", shared.header("RateLimit-Remaining").orElseThrow());
                assertEquals(0.0, metric(gateway, "gatehouse_rate_limit_store_degraded"));
                assertEquals("ok", health(gateway).get("checks").get("rate-limit-store").get("status").getStringValue());

                List<String> transitions = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
                assertEquals(2, transitions.size(), transitions.toString());
                assertTrue(transitions.get(0).contains("fails"), transitions.toString());
                assertTrue(transitions.get(1).contains("answers again"), transitions.toString());
            }
        }
    }
}
