package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.testing.Await;
import io.gatehouse.testing.EchoUpstream;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live dashboard in a real headless Chromium: the page connects with the admin token, shows
 * the routes in force, shows a route the admin API adds without being reloaded, and its request
 * counter moves as requests arrive, all pushed over server-sent events; a screenshot is saved as a
 * test artifact ({@code target/dashboard.png}). The event stream itself refuses a caller without
 * the admin credential and starts with the whole state for one with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

    private static final String ADMIN_TOKEN = "dashboard-admin-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final EchoUpstream echo = EchoUpstream.start("dashboard");
    private final NettyRuntime runtime = new NettyRuntime();
    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayTransport gateway;
    private URI uri;

    @BeforeAll
    void start() {
        Map<String, Object> p = new HashMap<>();
        p.put("gateway.admin.token", ADMIN_TOKEN);
        // A database of its own: the route the test adds through the admin API stays in it, out of other suites' gateways.
        p.put("datasources.default.url", "jdbc:h2:mem:dashboard-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
        p.put("gateway.dashboard.interval", "300ms");
        p.put("gateway.upstreams.svc.targets", List.of(echo.url()));
        p.put("gateway.routes[0].id", "first");
        p.put("gateway.routes[0].match.path", "/first/**");
        p.put("gateway.routes[0].upstream", "svc");
        p.put("gateway.routes[0].strip-prefix", true);
        gateway = runtime.start(p);
        uri = runtime.uri();
    }

    @AfterAll
    void stop() {
        gateway.close();
        echo.close();
    }

    private HttpResponse<InputStream> events(String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve("/dashboard/events")).header("Accept", "text/event-stream");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void eventStream_thenOnlyForTheAdministratorAndTheWholeStateFirst() throws IOException, InterruptedException {
        HttpResponse<InputStream> refused = events(null);
        assertEquals(401, refused.statusCode());
        refused.body().close();
        HttpResponse<InputStream> wrong = events("Bearer not-the-token");
        assertEquals(401, wrong.statusCode());
        wrong.body().close();

        HttpResponse<InputStream> stream = events("Bearer " + ADMIN_TOKEN);
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.startsWith("data:"));
            Map<String, Object> state = JSON.readValue(line.substring(5).trim(), Argument.mapOf(String.class, Object.class));
            assertTrue(((Number) state.get("revision")).longValue() >= 1);
            assertTrue(state.get("routes").toString().contains("first"), state.toString());
            assertTrue(state.get("upstreams").toString().contains(echo.url()), state.toString());
        }
    }

    @Test
    void browser_thenSeesANewRouteAndItsRequestCounterMoveLive() throws IOException, InterruptedException {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(uri.resolve("/dashboard").toString());
            browser.type("#token", ADMIN_TOKEN);
            browser.click("#connect");
            Await.until("the route in force on the page", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script("return !!document.querySelector('[data-route=\"first\"]');")));

            HttpResponse<String> created = http.send(HttpRequest.newBuilder(uri.resolve("/admin/routes/second"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"match\": {\"path\": \"/second/**\"}, \"upstream\": \"svc\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            Await.until("the new route on the page", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script("return !!document.querySelector('[data-route=\"second\"]');")));
            assertEquals("0", browser.script("return document.querySelector('[data-route=\"second\"] .requests').textContent;"));

            for (int i = 0; i < 3; i++) {
                assertEquals(200, gateway.send(ContractRequest.get("/second/item-" + i)).status());
            }
            assertEquals(503, gateway.send(ContractRequest.get("/first/status/503")).status());
            Await.until("the counter at 3", Duration.ofSeconds(20),
                () -> "3".equals(browser.script("return document.querySelector('[data-route=\"second\"] .requests').textContent;")));
            Await.until("the 503 among the recent errors", Duration.ofSeconds(20),
                () -> String.valueOf(browser.script("return document.getElementById('errors').textContent;")).contains("/first/status/503"));

            // A few samples after the traffic, so that the charts have something to draw.
            Await.until("five samples of the new route", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(browser.script(
                "return dashboardState.routes.find(r => r.id === 'second').series.length >= 5;")));
            byte[] png = browser.screenshot();
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
            Path artifact = Path.of("target", "dashboard.png");
            Files.createDirectories(artifact.getParent());
            Files.write(artifact, png);
        }
    }
}
