package io.gatehouse.container;

import io.gatehouse.testing.TestUpstream;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container started on {@code config/gatehouse.yml}, as {@code bin/gatehouse run} starts it:
 * the demo route proxies {@code /demo/ping} to the gateway's own {@code /ping}, and the capsule
 * seed routes pass the registry's statuses and bodies through, or answer 502 when it is down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShippedConfigurationTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestUpstream registry = TestUpstream.start().handle("/v1/capsules", exchange -> {
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        String method = exchange.getRequestMethod();
        int status;
        String body;
        if (path.equals("/v1/capsules")) {
            status = 200;
            body = "[{\"id\":\"c-1\"}]";
        } else if (path.equals("/v1/capsules/c-1") && method.equals("GET")) {
            status = 200;
            body = "{\"id\":\"c-1\"}";
        } else if (path.equals("/v1/capsules/c-1/install") && method.equals("POST")) {
            status = 202;
            body = "{\"id\":\"c-1\",\"state\":\"installing\"}";
        } else {
            status = 404;
            body = "{\"message\":\"no such capsule\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    });
    private final EmbeddedServer gateway = start(registry.url());
    private final EmbeddedServer registryDown = start("http://127.0.0.1:" + TestUpstream.closedPort());

    private static EmbeddedServer start(String registryUrl) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("gateway.config-file", repositoryRoot().resolve("config/gatehouse.yml").toString());
        properties.put("micronaut.server.port", TestUpstream.freePort());
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("CAPSULE_REGISTRY_URL", registryUrl);
        return ApplicationContext.run(EmbeddedServer.class, properties, GatehouseContainer.ENVIRONMENT);
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("config/gatehouse.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("config/gatehouse.yml not found above " + Path.of("").toAbsolutePath());
    }

    @AfterAll
    void stop() {
        gateway.close();
        registryDown.close();
        registry.close();
    }

    private HttpResponse<String> send(EmbeddedServer server, String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
            .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void demoRoute_thenGatewaysOwnPingThroughTheProxy() throws Exception {
        HttpResponse<String> response = send(gateway, "GET", "/demo/ping");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("OK", response.body());
    }

    @Test
    void capsuleRoutes_thenRegistryStatusAndBodyUnchanged() throws Exception {
        HttpResponse<String> list = send(gateway, "GET", "/v1/capsules");
        assertEquals(200, list.statusCode());
        assertEquals("[{\"id\":\"c-1\"}]", list.body());
        HttpResponse<String> one = send(gateway, "GET", "/v1/capsules/c-1");
        assertEquals(200, one.statusCode());
        assertEquals("{\"id\":\"c-1\"}", one.body());
        HttpResponse<String> missing = send(gateway, "GET", "/v1/capsules/c-2");
        assertEquals(404, missing.statusCode());
        assertEquals("{\"message\":\"no such capsule\"}", missing.body(), "the registry's 404, not an envelope");
        HttpResponse<String> install = send(gateway, "POST", "/v1/capsules/c-1/install");
        assertEquals(202, install.statusCode());
        assertEquals("{\"id\":\"c-1\",\"state\":\"installing\"}", install.body());
    }

    @Test
    void legacyCapsuleAliases_thenSameRegistryCalls() throws Exception {
        HttpResponse<String> list = send(gateway, "GET", "/capsules");
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("[{\"id\":\"c-1\"}]", list.body());
        HttpResponse<String> one = send(gateway, "GET", "/capsules/c-1");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("{\"id\":\"c-1\"}", one.body());
        HttpResponse<String> install = send(gateway, "POST", "/capsules/c-1/install");
        assertEquals(202, install.statusCode(), install.body());
        assertEquals("{\"id\":\"c-1\",\"state\":\"installing\"}", install.body());
    }

    @Test
    void registryDown_then502Envelope() throws Exception {
        HttpResponse<String> response = send(registryDown, "GET", "/v1/capsules");
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"code\":\"bad_gateway\""), response.body());
        assertTrue(response.body().contains("\"upstream\":\"capsules\""), response.body());
    }
}
