package io.gatehouse.migration;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.TestTokens;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each seed system's own configuration (a Kong declarative file, a Traefik dynamic directory,
 * in {@code src/test/resources/migration}) through {@code gatehouse import}, then the result loaded
 * in a real gateway in front of real upstreams, and requests sent over a raw socket: the imported
 * key, the imported JWT secret, the stripped prefix reaching the upstream, an ACL-refused consumer.
 */
class ImportedSeedsTest {

    private static final String KONG_JWT_SECRET = "reporting-app-secret-0123456789abcdef0123456789";
    private static final String TRAEFIK_JWT_SECRET = "traefik-project-secret-0123456789abcdef01234";
    private static final Pattern SETTING = Pattern.compile("^ {2}(gateway\\.[a-z.-]+) = (\\S+) {3}\\(", Pattern.MULTILINE);
    private static final JsonMapper JSON = JsonMapper.createDefault();

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** A response read off the socket. */
    private record Response(int status, Map<String, String> headers, String body) {

        @SuppressWarnings("unchecked")
        Map<String, Object> details() {
            return (Map<String, Object>) ((Map<String, Object>) json().get("error")).get("details");
        }

        Map<String, Object> json() {
            try {
                return JSON.readValue(body, Argument.mapOf(String.class, Object.class));
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }

        @SuppressWarnings("unchecked")
        String upstreamHeader(String name) {
            List<String> values = ((Map<String, List<String>>) json().get("headers")).get(name);
            return values == null ? null : values.getFirst();
        }
    }

    /** What an import printed. */
    private record Imported(int status, Path file, String report, Map<String, String> settings) {
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    @Test
    void kongSeed_thenImportedKeysJwtAclsAndPathsWorkInARealGateway() throws IOException {
        EchoUpstream orders = upstream("orders");
        EchoUpstream reportsA = upstream("reports-a");
        EchoUpstream reportsB = upstream("reports-b");
        Path seed = seed("kong.yml", dir.resolve("kong.yml"), Map.of("ORDERS", orders, "REPORTS_A", reportsA, "REPORTS_B", reportsB));

        Imported imported = importer("kong", seed);
        assertEquals(ImportCommand.SOME_UNMAPPED, imported.status(), imported.report());
        assertTrue(imported.report().contains("services[reports].plugins[cors]: CORS is not built"), imported.report());
        assertTrue(imported.report().contains("consumers[acme-batch].plugins[rate-limiting]: a consumer's rate limit is a plan"),
            imported.report());
        assertEquals("apikey", imported.settings().get("gateway.api-keys.header"));
        assertEquals("reporting-app-issuer", imported.settings().get("gateway.jwt.issuers"));
        assertEquals("true", imported.settings().get("gateway.jwt.require-expiration"));
        assertTrue(imported.report().contains("gateway.jwt.secret = the secret of consumers[reporting-app]"), imported.report());

        int port = gateway(imported, Map.of("gateway.jwt.secret", KONG_JWT_SECRET));

        Response partner = send(port, "GET", "/orders/items/1?page=2", Map.of("apikey", "acme-secret-key-0001"));
        assertEquals(200, partner.status(), partner.body());
        assertEquals("orders", partner.json().get("upstream"));
        assertEquals("/api/items/1", partner.json().get("path"), "strip_path, then the service's path");
        assertEquals("page=2", partner.json().get("query"));

        Response intern = send(port, "GET", "/orders/items/1", Map.of("apikey", "intern-key-0002"));
        assertEquals(403, intern.status(), intern.body());
        assertTrue(intern.body().contains("\"reason\":\"group_not_allowed\""), intern.body());
        assertEquals(401, send(port, "GET", "/orders/items/1", Map.of()).status());
        assertEquals(401, send(port, "GET", "/orders/items/1", Map.of("apikey", "not-a-key")).status());
        assertEquals(404, send(port, "DELETE", "/orders/items/1", Map.of("apikey", "acme-secret-key-0001")).status(),
            "the route's methods are GET and POST");
        assertEquals(1, orders.requests(), "only the admitted call reached the upstream");

        String token = kongToken("reporting-app-issuer", true);
        Response report = send(port, "GET", "/reports/daily", Map.of("Host", "api.example.com", "Authorization", "Bearer " + token));
        assertEquals(200, report.status(), report.body());
        assertTrue(Set.of("reports-a", "reports-b").contains(report.json().get("upstream")), report.body());
        assertEquals("/daily", report.json().get("path"));
        assertEquals("api.example.com", report.upstreamHeader("host"), "preserve_host");

        assertEquals(401, send(port, "GET", "/reports/daily", Map.of("Host", "api.example.com",
            "Authorization", "Bearer " + kongToken("someone-else", true))).status(), "an iss no credential has");
        assertEquals(401, send(port, "GET", "/reports/daily", Map.of("Host", "api.example.com",
            "Authorization", "Bearer " + kongToken("reporting-app-issuer", false))).status(), "claims_to_verify: exp");
        assertEquals(404, send(port, "GET", "/reports/daily", Map.of("Host", "other.example.com",
            "Authorization", "Bearer " + token)).status(), "the route's host");
    }

    @Test
    void traefikSeed_thenImportedRoutersClaimsAndStrippedPrefixesWorkInARealGateway() throws IOException {
        EchoUpstream orders = upstream("shop-orders");
        EchoUpstream catalog = upstream("shop-catalog");
        EchoUpstream posts = upstream("blog-posts");
        Path traefik = Files.createDirectories(dir.resolve("traefik"));
        Map<String, EchoUpstream> ports = Map.of("SHOP_ORDERS", orders, "SHOP_CATALOG", catalog, "BLOG_POSTS", posts);
        for (String name : List.of("routers.yml", "middlewares.yml", "services.yml", "legacy.toml")) {
            seed("traefik/" + name, traefik.resolve(name), ports);
        }

        Imported imported = importer("traefik", traefik);
        assertEquals(ImportCommand.SOME_UNMAPPED, imported.status(), imported.report());
        assertTrue(imported.report().contains("routers.internal-admin.rule: 'PathPrefix(`/admin`) && !ClientIP(`10.0.0.0/8`)': "
            + "a negation (!) cannot be expressed"), imported.report());
        assertFalse(imported.report().contains("require.service"), "the accepted services are a claims.match list: "
            + imported.report());
        assertTrue(Files.readString(imported.file()).contains("""
                    service:
                    - catalog
                    - storefront
                    - search
                    - checkout
            """), Files.readString(imported.file()));

        int port = gateway(imported, Map.of("gateway.jwt.secret", TRAEFIK_JWT_SECRET));

        Response admitted = send(port, "GET", "/shop/orders/items/7", Map.of("Authorization", "Bearer " + token("shop", "orders")));
        assertEquals(200, admitted.status(), admitted.body());
        assertEquals("shop-orders", admitted.json().get("upstream"));
        assertEquals("/items/7", admitted.json().get("path"), "stripPrefix");
        assertEquals("alice", admitted.upstreamHeader("x-user-id"), "headerMap");
        assertEquals("shop", admitted.upstreamHeader("x-project"));
        assertNull(admitted.upstreamHeader("authorization"), "forwardToken: false");

        Response otherProject = send(port, "GET", "/shop/orders/items/7", Map.of("Authorization", "Bearer " + token("blog", "orders")));
        assertEquals(403, otherProject.status(), otherProject.body());
        assertTrue(otherProject.body().contains("\"claim\":\"project\""), otherProject.body());
        Response otherService = send(port, "GET", "/shop/orders/items/7", Map.of("Authorization", "Bearer " + token("shop", "catalog")));
        assertEquals(403, otherService.status(), otherService.body());
        assertEquals(401, send(port, "GET", "/shop/orders/items/7", Map.of()).status());
        assertEquals(1, orders.requests());

        Response listed = send(port, "GET", "/shop/catalog/list", Map.of("Host", "shop.example.com",
            "Authorization", "Bearer " + token("shop", "catalog")));
        assertEquals(200, listed.status(), listed.body());
        assertEquals("/list", listed.json().get("path"));
        assertEquals(catalog.authority(), listed.upstreamHeader("host"), "passHostHeader: false");
        assertEquals(404, send(port, "GET", "/shop/catalog/list", Map.of("Host", "elsewhere.example.com",
            "Authorization", "Bearer " + token("shop", "catalog"))).status());
        for (String accepted : List.of("storefront", "search", "checkout")) {
            Response admittedService = send(port, "GET", "/shop/catalog/list", Map.of("Host", "shop.example.com",
                "Authorization", "Bearer " + token("shop", accepted)));
            assertEquals(200, admittedService.status(), accepted + ": " + admittedService.body());
        }
        Response refusedService = send(port, "GET", "/shop/catalog/list", Map.of("Host", "shop.example.com",
            "Authorization", "Bearer " + token("shop", "orders")));
        assertEquals(403, refusedService.status(), refusedService.body());
        Map<String, Object> details = refusedService.details();
        assertEquals("claim_mismatch", details.get("reason"), refusedService.body());
        assertEquals("service", details.get("claim"), refusedService.body());
        assertEquals(List.of("catalog", "storefront", "search", "checkout"), details.get("expected"), refusedService.body());
        assertEquals(403, send(port, "GET", "/shop/catalog/list", Map.of("Host", "shop.example.com",
            "Authorization", "Bearer " + token("blog", "catalog"))).status(), "the project is still checked");
        assertEquals(4, catalog.requests(), "only the accepted services reached the catalog");

        Response post = send(port, "GET", "/blog/posts/hello", Map.of("Host", "blog.example.com"));
        assertEquals(200, post.status(), post.body());
        assertEquals("/hello", post.json().get("path"));
        assertEquals("blog.example.com", post.upstreamHeader("host"), "passHostHeader defaults to true");
        assertEquals(404, send(port, "POST", "/blog/posts/hello", Map.of()).status(), "Method(`GET`, `HEAD`)");
        Response legacy = send(port, "GET", "/legacy/feed", Map.of());
        assertEquals(200, legacy.status(), legacy.body());
        assertEquals("/feed", legacy.json().get("path"), "the router and middleware of the TOML file");
        assertEquals(404, send(port, "GET", "/admin/users", Map.of()).status(), "the router that could not be mapped is absent");
        assertFalse(posts.arrivals().stream().anyMatch(a -> a.path().startsWith("/admin")));
    }

    @Test
    void kongJwtByAnotherClaim_thenOnlyTheCredentialsKeysAreAdmitted() throws IOException {
        EchoUpstream reports = upstream("reports");
        Path kong = Files.writeString(dir.resolve("kong-kid.yml"), """
            _format_version: "3.0"
            services:
              - name: reports
                url: %s
                routes: [{name: reports, paths: [/reports]}]
                plugins: [{name: jwt, config: {key_claim_name: kid}}]
            consumers:
              - username: reporting-app
                jwt_secrets: [{key: reporting-key, secret: %s}]
              - username: billing-app
                jwt_secrets: [{key: billing-key, secret: %s}]
            """.formatted("http://" + reports.authority(), KONG_JWT_SECRET, KONG_JWT_SECRET));
        Imported imported = importer("kong", kong);
        assertFalse(imported.settings().containsKey("gateway.jwt.issuers"), imported.report());
        int port = gateway(imported, Map.of("gateway.jwt.secret", KONG_JWT_SECRET));

        for (String key : List.of("reporting-key", "billing-key")) {
            Response admitted = send(port, "GET", "/reports/daily", Map.of("Authorization", "Bearer " + kidToken(key)));
            assertEquals(200, admitted.status(), key + ": " + admitted.body());
        }
        Response refused = send(port, "GET", "/reports/daily", Map.of("Authorization", "Bearer " + kidToken("unknown-key")));
        assertEquals(403, refused.status(), refused.body());
        assertEquals("kid", refused.details().get("claim"), refused.body());
        assertEquals(List.of("reporting-key", "billing-key"), refused.details().get("expected"), refused.body());
        assertEquals(2, reports.requests());
    }

    private static String kidToken(String key) {
        return TestTokens.hmac(new JWTClaimsSet.Builder().issuer("anyone").subject("reporting-app").claim("kid", key)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build(),
            new JWSHeader(JWSAlgorithm.HS256), KONG_JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static String kongToken(String issuer, boolean expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("reporting-app");
        if (expires) {
            claims.expirationTime(Date.from(Instant.now().plusSeconds(600)));
        }
        return TestTokens.hmac(claims.build(), new JWSHeader(JWSAlgorithm.HS256), KONG_JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private static String token(String project, String service) {
        return TestTokens.hmac(new JWTClaimsSet.Builder().subject("alice").claim("project", project).claim("service", service)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build(),
            new JWSHeader(JWSAlgorithm.HS256), TRAEFIK_JWT_SECRET.getBytes(StandardCharsets.UTF_8));
    }

    private EchoUpstream upstream(String name) {
        EchoUpstream upstream = EchoUpstream.start(name);
        closing.add(upstream);
        return upstream;
    }

    /** Copies a seed file, putting the upstreams' ports where its @NAME_PORT@ markers are. */
    private Path seed(String resource, Path target, Map<String, EchoUpstream> upstreams) throws IOException {
        try (InputStream in = ImportedSeedsTest.class.getResourceAsStream("/migration/" + resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, EchoUpstream> entry : upstreams.entrySet()) {
                String authority = entry.getValue().authority();
                text = text.replace("@" + entry.getKey() + "_PORT@", authority.substring(authority.lastIndexOf(':') + 1));
            }
            Files.writeString(target, text);
            return target;
        }
    }

    private Imported importer(String kind, Path input) {
        Path output = dir.resolve(kind + "-imported.yml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ImportCommand.run(List.of(kind, input.toString(), "-o", output.toString()), System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = err.toString(StandardCharsets.UTF_8);
        Map<String, String> settings = new HashMap<>();
        Matcher m = SETTING.matcher(report);
        while (m.find()) {
            settings.put(m.group(1), m.group(2));
        }
        return new Imported(status, output, report, settings);
    }

    /** Starts a gateway on the imported file with the settings the import asked for; secrets from the test. */
    private int gateway(Imported imported, Map<String, Object> secrets) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("datasources.default.url", "jdbc:h2:mem:import_" + UUID.randomUUID().toString().replace("-", "")
            + ";DB_CLOSE_DELAY=-1");
        properties.put("gateway.config-file", imported.file().toString());
        properties.put("gateway.definition.watch", false);
        properties.putAll(imported.settings());
        properties.putAll(secrets);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        closing.add(server);
        return server.getPort();
    }

    /** One request over a raw socket, so the Host header is the one a client sends. */
    private static Response send(int port, String method, String path, Map<String, String> headers) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            Map<String, String> all = new LinkedHashMap<>();
            all.put("Host", "127.0.0.1:" + port);
            all.putAll(headers);
            all.put("Connection", "close");
            if (!method.equals("GET")) {
                all.put("Content-Length", "0");
            }
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            all.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, split).split("\r\n");
            Map<String, String> responseHeaders = new HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                responseHeaders.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            String body = raw.substring(split + 4);
            if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), responseHeaders, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
