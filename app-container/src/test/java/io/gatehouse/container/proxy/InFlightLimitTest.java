package io.gatehouse.container.proxy;

import io.gatehouse.testing.Await;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.TestUpstream;
import com.sun.net.httpserver.HttpHandler;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A route's {@code request-limits.max-in-flight} on both container engines: the requests past the
 * limit are answered 503 {@code overloaded} at once while the admitted ones wait on a silent
 * upstream, another route keeps answering, a client that goes away gives its place back (the
 * streaming engine at once, the buffered engine when its upstream call ends), and the count returns
 * to zero when the upstream answers.
 */
class InFlightLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String IN_FLIGHT = "gatehouse_route_in_flight";
    private static final String OVERLOADED = "gatehouse_route_overloaded_total";

    @ParameterizedTest(name = "streaming engine: {0}")
    @ValueSource(booleans = {true, false})
    void pastTheLimit_then503AtOnce_otherRoutesServed_placesGivenBack(boolean streaming) throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (TestUpstream upstream = TestUpstream.start().handle("/slow", silentUntil(answer, 200));
             ProxyGateway gateway = ProxyGateway.start("""
                 upstreams:
                   svc: { targets: [ "%s" ] }
                 routes:
                   - { id: slow, match: { path: "/slow/**" }, upstream: svc, request-limits: { max-in-flight: 2 } }
                   - { id: other, match: { path: "/other/**" }, upstream: svc }
                 """.formatted(upstream.url()), Map.of("gateway.proxy.streaming.enabled", streaming))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> admitted = List.of(
                http.sendAsync(HttpRequest.newBuilder(gateway.uri("/slow/1")).build(), HttpResponse.BodyHandlers.ofString()),
                http.sendAsync(HttpRequest.newBuilder(gateway.uri("/slow/2")).build(), HttpResponse.BodyHandlers.ofString()));
            Await.until("both reach the upstream", WAIT, () -> upstream.requests() == 2);

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(gateway.uri("/slow/3")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            JsonNode error = JsonMapper.createDefault().readValue(refused.body(), JsonNode.class).get("error");
            assertEquals("overloaded", error.get("code").getStringValue());
            assertEquals("max_in_flight", error.get("details").get("reason").getStringValue());
            assertEquals("slow", error.get("details").get("route").getStringValue());
            assertEquals(2, error.get("details").get("limit").getIntValue());
            assertEquals(2, upstream.requests(), "the refused request never reached the upstream");
            assertEquals(200, http.send(HttpRequest.newBuilder(gateway.uri("/other/x")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "another route is not held up");
            assertEquals(2, metric(http, gateway, IN_FLIGHT));
            assertEquals(1, metric(http, gateway, OVERLOADED));

            // A client that goes away gives its place back: a third request is then admitted.
            try (Socket gone = new Socket("127.0.0.1", gateway.port())) {
                OutputStream out = gone.getOutputStream();
                InputStream in = gone.getInputStream();
                out.write("GET /slow/gone HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 503", status, "the limit still holds");
            }
            answer.countDown();
            for (CompletableFuture<HttpResponse<String>> response : admitted) {
                assertEquals(200, response.get(15, TimeUnit.SECONDS).statusCode());
            }
            Await.until("every place given back", WAIT, () -> metric(http, gateway, IN_FLIGHT) == 0);
            assertEquals(200, http.send(HttpRequest.newBuilder(gateway.uri("/slow/4")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
            assertEquals(2, metric(http, gateway, OVERLOADED));
        }
    }

    @ParameterizedTest(name = "streaming engine: {0}")
    @ValueSource(booleans = {true, false})
    void clientGoesAwayWhileWaiting_thenItsPlaceIsFree(boolean streaming) throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (TestUpstream upstream = TestUpstream.start().handle("/slow", silentUntil(answer, 204));
             ProxyGateway gateway = ProxyGateway.start("""
                 upstreams:
                   svc: { targets: [ "%s" ] }
                 routes:
                   - { id: slow, match: { path: "/slow/**" }, upstream: svc, request-limits: { max-in-flight: 1 } }
                 """.formatted(upstream.url()), Map.of("gateway.proxy.streaming.enabled", streaming))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (Socket waiting = new Socket("127.0.0.1", gateway.port())) {
                waiting.getOutputStream().write("GET /slow/a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                waiting.getOutputStream().flush();
                Await.until("it reaches the upstream", WAIT, () -> upstream.requests() == 1);
                assertEquals(1, metric(http, gateway, IN_FLIGHT));
            }
            if (streaming) {
                Await.until("the place of the client that went away is free", WAIT,
                    () -> metric(http, gateway, IN_FLIGHT) == 0);
                answer.countDown();
            } else {
                // The buffered engine (Micronaut's HTTP client) finishes the upstream call: the place is
                // given back when it ends, by the upstream's answer or the route's timeout.
                Thread.sleep(500);
                assertEquals(1, metric(http, gateway, IN_FLIGHT), "held until the upstream call ends");
                answer.countDown();
                Await.until("the place is free once the upstream answered", WAIT, () -> metric(http, gateway, IN_FLIGHT) == 0);
            }
            assertEquals(204, http.send(HttpRequest.newBuilder(gateway.uri("/slow/b")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        }
    }

    /** @return an upstream handler that answers {@code status} with no body once {@code answer} is counted down */
    private static HttpHandler silentUntil(CountDownLatch answer, int status) {
        return exchange -> {
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        };
    }

    /** @return the sum of the route {@code slow}'s samples of a meter */
    private static double metric(HttpClient http, ProxyGateway gateway, String name) {
        try {
            String text = http.send(HttpRequest.newBuilder(gateway.uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            return PrometheusText.parse(text).sum(name, "route", "slow");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
