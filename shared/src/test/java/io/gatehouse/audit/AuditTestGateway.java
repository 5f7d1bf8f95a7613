package io.gatehouse.audit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.testing.TestTokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway for the audit tests: Netty on a loopback port (the buffered engine, so
 * {@code RouteAccessFilter} decides), a JWT route {@code orders} needing the role {@code ops}, an
 * open route, the admin token, and the {@value AuditLog#LOGGER} logger captured line by line.
 */
final class AuditTestGateway implements AutoCloseable {

    static final String ADMIN_TOKEN = "audit-test-admin-token";

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final EmbeddedServer server;
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    private AuditTestGateway(EmbeddedServer server) {
        this.server = server;
    }

    /**
     * @param upstreamUrl where the routes forward to
     * @param database    the {@code datasources.default.*} (and other store) properties
     * @param extra       further properties
     * @return a started gateway whose JSON log is captured from now on
     */
    static AuditTestGateway start(String upstreamUrl, Map<String, Object> database, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(database);
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("gateway.admin.token", ADMIN_TOKEN);
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.upstreams.orders.targets", List.of(upstreamUrl));
        properties.put("gateway.routes[0].id", "orders");
        properties.put("gateway.routes[0].match.path", "/orders/**");
        properties.put("gateway.routes[0].upstream", "orders");
        properties.put("gateway.routes[0].auth", "jwt");
        properties.put("gateway.routes[0].authorization.roles", List.of("ops"));
        properties.put("gateway.routes[1].id", "open");
        properties.put("gateway.routes[1].match.path", "/open/**");
        properties.put("gateway.routes[1].upstream", "orders");
        properties.put("gateway.routes[1].auth", "none");
        properties.putAll(extra);
        AuditTestGateway gateway = new AuditTestGateway(ApplicationContext.run(EmbeddedServer.class, properties));
        gateway.capture();
        return gateway;
    }

    /**
     * @param database the JDBC URL
     * @return the datasource properties for it
     */
    static Map<String, Object> database(String database) {
        return Map.of("datasources.default.url", database,
            "datasources.default.username", database.startsWith("jdbc:h2:") ? "sa" : "postgres",
            "datasources.default.password", "");
    }

    /**
     * @param subject the subject
     * @param roles   its roles
     * @return a valid HS256 token
     */
    static String token(String subject, String... roles) {
        return TestTokens.hmac(TestTokens.claims(subject).claim("roles", List.of(roles)).claim("tenant", "acme").build(),
            JWSAlgorithm.HS256);
    }

    private void capture() {
        Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        lines.start();
        logger.addAppender(lines);
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    AuditLog log() {
        return context().getBean(AuditLog.class);
    }

    /**
     * Sends a request.
     *
     * @param method        the method
     * @param path          the path
     * @param requestId     the {@code X-Request-ID} to send, or {@code null}
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param body          a JSON body, or {@code null}
     * @return the response
     */
    HttpResponse<String> send(String method, String path, String requestId, String authorization, String body) {
        return send(method, path, requestId, authorization, "application/json", body);
    }

    /**
     * Sends a request with a body of the given type.
     *
     * @param method        the method
     * @param path          the path
     * @param requestId     the {@code X-Request-ID} to send, or {@code null}
     * @param authorization the {@code Authorization} header, or {@code null}
     * @param contentType   the body's type
     * @param body          the body, or {@code null}
     * @return the response
     */
    HttpResponse<String> send(String method, String path, String requestId, String authorization, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) {
            request.header("X-Request-ID", requestId);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param path a path under the admin API, with its query
     * @return the JSON answer of an admin {@code GET}
     */
    Map<String, Object> adminGet(String path) {
        HttpResponse<String> response = send("GET", path, null, "Bearer " + ADMIN_TOKEN, null);
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json(response.body());
    }

    /**
     * @param requestId a request id
     * @return the events {@code GET /admin/audit} lists for it, newest first
     */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events(String requestId) {
        return (List<Map<String, Object>>) adminGet("/admin/audit?request_id=" + requestId).get("events");
    }

    /**
     * @return every line the audit logger wrote since start, parsed
     */
    List<Map<String, Object>> jsonLines() {
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (lines) {
            for (ILoggingEvent line : List.copyOf(lines.list)) {
                out.add(json(line.getFormattedMessage()));
            }
        }
        return out;
    }

    /**
     * @param requestId a request id
     * @return the JSON lines written for it
     */
    List<Map<String, Object>> jsonLines(String requestId) {
        return jsonLines().stream().filter(line -> requestId.equals(line.get("request_id"))).toList();
    }

    static Map<String, Object> json(String text) {
        try {
            return JSON.readValue(text, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(lines);
        server.close();
    }
}
