package io.gatehouse.admin;

import io.gatehouse.testing.TestRequest;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.testing.TestServices;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * One gateway instance for the admin tests: a real Netty server on an ephemeral loopback port,
 * a declarative file of its own, and either an H2 database of its own or a PostgreSQL schema.
 */
final class AdminTestGateway implements AutoCloseable {

    static final String TOKEN = "test-admin-token";

    /** The declarative file every test starts from: one upstream and one route. */
    static final String FILE = """
        upstreams:
          file-upstream:
            targets: [http://127.0.0.1:9]
        routes:
          - id: file-route
            match:
              path: /file/**
            upstream: file-upstream
        """;

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final EmbeddedServer server;

    private AdminTestGateway(EmbeddedServer server) {
        this.server = server;
    }

    /**
     * @param databaseUrl the JDBC URL
     * @param file        the declarative file
     * @param extra       further properties
     * @return a started gateway
     */
    static AdminTestGateway start(String databaseUrl, Path file, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("datasources.default.url", databaseUrl);
        properties.put("datasources.default.username", databaseUrl.startsWith("jdbc:h2:") ? "sa" : "postgres");
        properties.put("datasources.default.password", "");
        properties.put("gateway.config-file", file.toString());
        properties.put("gateway.admin.token", TOKEN);
        properties.putAll(extra);
        return new AdminTestGateway(ApplicationContext.run(EmbeddedServer.class, properties));
    }

    /**
     * @param file where to write {@link #FILE}
     * @return the file
     */
    static Path writeFile(Path file) {
        try {
            Files.writeString(file, FILE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a fresh in-memory H2 database of its own
     */
    static String h2Url() {
        return "jdbc:h2:mem:admin_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }

    /**
     * Creates a schema of its own in the test PostgreSQL, so tests never see each other's rows.
     *
     * @return the JDBC URL using it
     */
    static String postgresSchemaUrl(String schema) {
        try (Connection connection = DriverManager.getConnection(TestServices.postgresUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String url = TestServices.postgresUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * @return a new schema name
     */
    static String newSchema() {
        return "admin_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(TestServices.postgresUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    ApplicationContext context() {
        return server.getApplicationContext();
    }

    GatewayState state() {
        return context().getBean(GatewayState.class);
    }

    /**
     * @param path a request path
     * @return the id of the route the table in force sends {@code GET path} to, or {@code null}
     */
    String routeFor(String path) {
        RouteMatch match = state().current().table().match(TestRequest.get(path));
        return match == null ? null : match.route().id();
    }

    /**
     * @param authorization the whole {@code Authorization} header, or {@code null} for none
     */
    HttpResponse<String> send(String method, String path, String authorization, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.getURL() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        try {
            return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> admin(String method, String path, String body) {
        return send(method, path, "Bearer " + TOKEN, body);
    }

    Map<String, Object> json(HttpResponse<String> response) {
        try {
            return context().getBean(JsonMapper.class).readValue(response.body(), Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    List<Object> jsonList(HttpResponse<String> response) {
        try {
            return context().getBean(JsonMapper.class).readValue(response.body(), Argument.listOf(Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    /**
     * Waits for a condition, polling, and fails when the deadline passes.
     *
     * @return how long it took
     */
    static Duration await(Duration deadline, BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
