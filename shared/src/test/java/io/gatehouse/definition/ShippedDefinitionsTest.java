package io.gatehouse.definition;

import io.gatehouse.testing.TestRequest;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteTable;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The definitions the repository ships, {@code config/gatehouse.yml} and
 * {@code examples/multi-project.yml}, load through {@link DefinitionLoader} without a problem and
 * route the requests their comments promise.
 */
class ShippedDefinitionsTest {

    private static GatewayDefinition load(String file, Map<String, Object> properties) {
        Path path = repositoryRoot().resolve(file);
        assertTrue(Files.isRegularFile(path), path + " exists");
        Map<String, Object> all = new java.util.HashMap<>(properties);
        all.put(DefinitionLoader.CONFIG_FILE_PROPERTY, path.toString());
        try (ApplicationContext context = ApplicationContext.run(all)) {
            DefinitionLoader loader = context.getBean(DefinitionLoader.class);
            assertEquals(path, loader.file().orElseThrow());
            return loader.load();
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("shared"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    private static RequestView request(String method, String path) {
        return TestRequest.of(method, path).withHost("localhost");
    }

    static Stream<Arguments> exampleFile() {
        return Stream.of(
            Arguments.of("demo strips /demo", "GET", "/demo/ping", "demo", "/ping"),
            Arguments.of("capsule list", "GET", "/v1/capsules", "capsules-list", "/v1/capsules"),
            Arguments.of("one capsule", "GET", "/v1/capsules/c-42", "capsules-get", "/v1/capsules/c-42"),
            Arguments.of("install", "POST", "/v1/capsules/c-42/install", "capsules-install", "/v1/capsules/c-42/install"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFile")
    void exampleFile_thenValidAndRoutes(String name, String method, String path, String routeId, String upstreamPath) {
        GatewayDefinition definition = load("config/gatehouse.yml", Map.of(
            "micronaut.server.port", 18282, "CAPSULE_REGISTRY_URL", "http://127.0.0.1:19100"));
        assertEquals("http://127.0.0.1:18282", definition.upstreams().get("self").targets().getFirst().url().toString(),
            "the self upstream follows the server's port");
        assertEquals("http://127.0.0.1:19100", definition.upstreams().get("capsules").targets().getFirst().url().toString(),
            "CAPSULE_REGISTRY_URL resolves");
        RouteMatch match = new RouteTable(1, definition.routes(), definition.upstreams()).match(request(method, path));
        assertNotNull(match, path);
        assertEquals(routeId, match.route().id());
        assertEquals(upstreamPath, match.upstreamPath(path));
    }

    static Stream<Arguments> multiProject() {
        return Stream.of(
            Arguments.of("listed service, prefix stripped", "/shop/orders/orders/7", "shop-orders", "/orders/7"),
            Arguments.of("listed service root", "/shop/catalog", "shop-catalog", "/"),
            Arguments.of("another project", "/blog/media/img/a.png", "blog-media", "/img/a.png"),
            Arguments.of("unlisted pair: template fallback", "/wiki/pages/home", "project-fallback", "/projects/wiki/services/pages/home"),
            Arguments.of("unlisted service of a listed project", "/shop/admin/users", "project-fallback", "/projects/shop/services/admin/users"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiProject")
    void multiProjectExample_thenValidAndRoutes(String name, String path, String routeId, String upstreamPath) {
        GatewayDefinition definition = load("examples/multi-project.yml", Map.of());
        assertEquals(5, definition.upstreams().size());
        RouteMatch match = new RouteTable(1, definition.routes(), definition.upstreams()).match(request("GET", path));
        assertNotNull(match, path);
        assertEquals(routeId, match.route().id());
        assertEquals(upstreamPath, match.upstreamPath(path));
    }
}
