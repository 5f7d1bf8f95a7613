package io.gatehouse.api;

import io.gatehouse.runtime.Readiness;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readiness and liveness probes over real HTTP: both {@code ok} while the instance takes
 * traffic; once {@link Readiness#drain(String)} has been called, readiness answers 503
 * {@code draining} with the time it began, and liveness still answers 200.
 */
class ProbesTest {

    @Test
    void draining_thenReadinessDownAndLivenessUp() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of("micronaut.server.port", -1));
             HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> ready = get(client, server, "/v1/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("{\"status\":\"ok\"}", ready.body());
            assertEquals("{\"status\":\"ok\"}", get(client, server, "/v1/health/live").body());

            server.getApplicationContext().getBean(Readiness.class).drain("test");

            HttpResponse<String> draining = get(client, server, "/v1/health/ready");
            assertEquals(503, draining.statusCode(), draining.body());
            assertTrue(draining.body().matches("\\{\"status\":\"draining\",\"draining_since\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\"}"),
                draining.body());
            HttpResponse<String> live = get(client, server, "/v1/health/live");
            assertEquals(200, live.statusCode(), live.body());
            assertTrue(live.body().startsWith("{\"status\":\"draining\""), live.body());
        }
    }

    private static HttpResponse<String> get(HttpClient client, EmbeddedServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
