package io.gatehouse.upstream;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.testing.TestUpstream;
import io.gatehouse.upstream.UpstreamDefinition.HealthCheck;
import io.gatehouse.upstream.UpstreamDefinition.LoadBalancer;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatehouse.upstream.Upstreams.NO_BREAKER;
import static io.gatehouse.upstream.Upstreams.NO_OUTLIERS;
import static io.gatehouse.upstream.Upstreams.await;
import static io.gatehouse.upstream.Upstreams.definition;
import static io.gatehouse.upstream.Upstreams.targets;
import static io.gatehouse.upstream.Upstreams.upstream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active health checks against real HTTP servers on loopback whose health endpoint flips between
 * passing and failing.
 */
class ActiveHealthCheckerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** A loopback server whose {@code /health} answers the current status, after an optional delay. */
    static final class FlippingServer implements AutoCloseable {
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicInteger delayMillis = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        private final HttpServer server;

        FlippingServer() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/health", exchange -> {
                probes.incrementAndGet();
                int delay = delayMillis.get();
                if (delay > 0) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int code = status.get();
                if (code >= 300 && code < 400) {
                    exchange.getResponseHeaders().set("Location", "/elsewhere");
                }
                exchange.sendResponseHeaders(code, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private FlippingServer server() {
        FlippingServer s = new FlippingServer();
        closing.add(s);
        return s;
    }

    private static HealthCheck fastChecks() {
        return new HealthCheck(true, "/health", Duration.ofMillis(50), Duration.ofMillis(500), 2, 2);
    }

    private ActiveHealthChecker checker(Collection<Upstream> upstreams) {
        ActiveHealthChecker checker = new ActiveHealthChecker(() -> upstreams);
        closing.add(checker);
        return checker;
    }

    @Test
    void targetStartsFailingThenRecovers_thenUnhealthyThenHealthy() {
        FlippingServer s = server();
        DefaultUpstream upstream = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(s.url()), fastChecks(), NO_OUTLIERS, NO_BREAKER));
        TargetState target = upstream.targets().getFirst();
        checker(List.of(upstream));

        await("two probes pass", DEADLINE, () -> s.probes.get() >= 2);
        assertEquals("healthy", target.status());

        s.status.set(503);
        await("unhealthy after failed probes", DEADLINE, () -> !target.healthy());
        assertEquals("unhealthy", target.status());
        UpstreamUnavailableException e = assertThrows(UpstreamUnavailableException.class, () -> upstream.select(null, null));
        assertEquals("no_healthy_target", e.details().get("reason"));

        s.status.set(200);
        await("healthy after passed probes", DEADLINE, target::healthy);
        upstream.select(null, null).completed(200);
    }

    @ParameterizedTest(name = "status {0} counts as healthy: {1}")
    @CsvSource({"200, true", "204, true", "302, true", "404, false", "500, false", "503, false"})
    void probeStatus_thenHealthyOnlyFor2xxAnd3xx(int status, boolean healthy) {
        FlippingServer s = server();
        s.status.set(status);
        DefaultUpstream upstream = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(s.url()), fastChecks(), NO_OUTLIERS, NO_BREAKER));
        TargetState target = upstream.targets().getFirst();
        checker(List.of(upstream));
        if (healthy) {
            await("several probes", DEADLINE, () -> s.probes.get() >= 4);
            assertTrue(target.healthy());
        } else {
            await("unhealthy", DEADLINE, () -> !target.healthy());
        }
    }

    @Test
    void noAnswerWithinTimeout_thenUnhealthy() {
        FlippingServer s = server();
        s.delayMillis.set(2000);
        HealthCheck hc = new HealthCheck(true, "/health", Duration.ofMillis(50), Duration.ofMillis(100), 1, 2);
        DefaultUpstream upstream = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(s.url()), hc, NO_OUTLIERS, NO_BREAKER));
        checker(List.of(upstream));
        await("unhealthy by timeouts", DEADLINE, () -> !upstream.targets().getFirst().healthy());
        s.delayMillis.set(0);
        await("healthy once answering", DEADLINE, () -> upstream.targets().getFirst().healthy());
    }

    @Test
    void nothingListening_thenUnhealthyAndOtherTargetsServe() {
        FlippingServer s = server();
        String dead = "http://127.0.0.1:" + TestUpstream.closedPort();
        DefaultUpstream upstream = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(dead, s.url()), fastChecks(), NO_OUTLIERS, NO_BREAKER));
        checker(List.of(upstream));
        await("unreachable target unhealthy", DEADLINE, () -> !upstream.targets().get(0).healthy());
        assertTrue(upstream.targets().get(1).healthy());
        for (int i = 0; i < 5; i++) {
            Selection sel = upstream.select(null, null);
            assertEquals(s.url(), sel.target().url().toString());
            sel.completed(200);
        }
    }

    @Test
    void healthCheckDisabled_thenNeverProbedAndMarkedHealthy() {
        FlippingServer checked = server();
        FlippingServer unchecked = server();
        unchecked.status.set(500);
        DefaultUpstream on = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(checked.url()), fastChecks(), NO_OUTLIERS, NO_BREAKER));
        DefaultUpstream off = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(unchecked.url()), HealthCheck.DEFAULT, NO_OUTLIERS,
            NO_BREAKER));
        off.targets().getFirst().markHealthy(false);
        checker(List.of(on, off));
        await("the checked upstream probed several rounds", DEADLINE, () -> checked.probes.get() >= 5);
        assertEquals(0, unchecked.probes.get());
        assertTrue(off.targets().getFirst().healthy(), "a target without checks is not left unhealthy");
    }

    @Test
    void upstreamsChange_thenNewTargetsProbedAndRemovedOnesForgotten() {
        FlippingServer first = server();
        FlippingServer second = server();
        second.status.set(500);
        List<Upstream> live = new CopyOnWriteArrayList<>();
        live.add(upstream(definition(LoadBalancer.ROUND_ROBIN, targets(first.url()), fastChecks(), NO_OUTLIERS, NO_BREAKER)));
        checker(live);
        await("first probed", DEADLINE, () -> first.probes.get() >= 1);
        DefaultUpstream replaced = upstream(definition(LoadBalancer.ROUND_ROBIN, targets(second.url()), fastChecks(), NO_OUTLIERS,
            NO_BREAKER));
        live.set(0, replaced);
        await("the new target probed and found failing", DEADLINE, () -> !replaced.targets().getFirst().healthy());
        int firstProbes = first.probes.get();
        await("the new target probed more", DEADLINE, () -> second.probes.get() >= 6);
        assertTrue(first.probes.get() <= firstProbes + 1, "the removed target is no longer probed");
    }

    @Test
    void applicationContext_thenCheckerFollowsReloadsAndStopsOnClose(@TempDir Path dir) throws IOException {
        FlippingServer a = server();
        FlippingServer b = server();
        b.status.set(503);
        Path file = dir.resolve("gatehouse.yml");
        Files.writeString(file, yaml(a.url()));
        ApplicationContext ctx = ApplicationContext.run(Map.of("gateway.config-file", file.toString()));
        try {
            GatewayState state = ctx.getBean(GatewayState.class);
            assertTrue(ctx.containsBean(ActiveHealthChecker.class));
            await("a probed", DEADLINE, () -> a.probes.get() >= 1);

            Files.writeString(file, yaml(b.url()));
            state.reload();
            TargetState bTarget = state.current().upstreams().get("svc").targets().getFirst();
            await("b found unhealthy after the reload", DEADLINE, () -> !bTarget.healthy());
        } finally {
            ctx.close();
        }
        await("the health-check thread ends", DEADLINE, () -> Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("gatehouse-health-checks") && t.isAlive()));
    }

    @Test
    void disabledByProperty_thenNoChecker() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("gateway.health-checks.enabled", false))) {
            assertFalse(ctx.containsBean(ActiveHealthChecker.class));
        }
    }

    private static String yaml(String url) {
        return """
            upstreams:
              svc:
                targets:
                  - url: %s
                health-check:
                  path: /health
                  interval: 50ms
                  timeout: 500ms
                  healthy-threshold: 1
                  unhealthy-threshold: 1
            """.formatted(url);
    }
}
