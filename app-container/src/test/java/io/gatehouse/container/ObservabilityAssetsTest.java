package io.gatehouse.container;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.contract.GatewayTransport;
import io.gatehouse.contract.HttpTransport;
import io.gatehouse.testing.EchoUpstream;
import io.gatehouse.testing.PrometheusText;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's assets under {@code infra/observability} name only what a live gateway exports:
 * every metric and every label of every Prometheus alert rule and Grafana panel query is found on
 * {@code /metrics} of a container gateway after known traffic (proxied, refused, failing and
 * retried requests, and one on a rate-limited route).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityAssetsTest {

    private static final Path ASSETS = findAssets();
    /** A metric name not followed by "(" (a function) once label matchers, ranges, strings and groupings are removed. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool");

    private final EchoUpstream echo = EchoUpstream.start("assets");
    private ApplicationContext context;
    private PrometheusText scrape;

    private static Path findAssets() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("infra/observability"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "infra/observability not found");
        return dir.resolve("infra/observability");
    }

    @BeforeAll
    void trafficThenScrape() {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("micronaut.server.host", "127.0.0.1");
        p.put("gateway.jwt.secret", TestTokens.SECRET);
        p.put("gateway.upstreams.svc.targets", List.of(echo.url()));
        p.put("gateway.upstreams.dead.targets", List.of("http://127.0.0.1:" + TestUpstream.closedPort()));
        p.put("gateway.upstreams.dead.outlier-detection.consecutive-failures", 0);
        p.put("gateway.routes[0].id", "assets");
        p.put("gateway.routes[0].match.path", "/assets/**");
        p.put("gateway.routes[0].upstream", "svc");
        p.put("gateway.routes[1].id", "secured");
        p.put("gateway.routes[1].match.path", "/secured/**");
        p.put("gateway.routes[1].upstream", "svc");
        p.put("gateway.routes[1].auth", "jwt");
        p.put("gateway.routes[2].id", "dead");
        p.put("gateway.routes[2].match.path", "/dead/**");
        p.put("gateway.routes[2].upstream", "dead");
        p.put("gateway.routes[2].retries.attempts", 1);
        p.put("gateway.routes[2].retries.backoff", "10ms");
        p.put("gateway.routes[3].id", "limited");
        p.put("gateway.routes[3].match.path", "/limited/**");
        p.put("gateway.routes[3].upstream", "svc");
        p.put("gateway.routes[3].limits", List.of(Map.of("by", "ip", "requests", 100, "per", "minute")));
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p, GatehouseContainer.ENVIRONMENT);
        context = server.getApplicationContext();
        try (GatewayTransport gateway = new HttpTransport(server.getURI(), () -> { }, HttpClient.Version.HTTP_1_1)) {
            assertEquals(200, gateway.send(ContractRequest.get("/assets/a")).status());
            assertEquals(401, gateway.send(ContractRequest.get("/secured/a")).status());
            assertEquals(502, gateway.send(ContractRequest.get("/dead/a")).status());
            assertEquals(200, gateway.send(ContractRequest.get("/limited/a")).status());
            scrape = PrometheusText.parse(gateway.send(ContractRequest.get("/metrics")).text());
        }
    }

    @AfterAll
    void stop() {
        if (context != null) {
            context.close();
        }
        echo.close();
    }

    static Stream<Arguments> expressions() throws IOException {
        List<Arguments> out = new ArrayList<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(ASSETS.resolve("prometheus/gatehouse-alerts.yml")));
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                out.add(Arguments.of("alert " + r.get("alert"), String.valueOf(r.get("expr"))));
            }
        }
        JsonNode dashboard = JsonMapper.createDefault().readValue(Files.readString(ASSETS.resolve("grafana/gatehouse.json")),
            Argument.of(JsonNode.class));
        for (JsonNode panel : dashboard.get("panels").values()) {
            for (JsonNode target : panel.get("targets").values()) {
                out.add(Arguments.of("panel " + panel.get("title").getStringValue(), target.get("expr").getStringValue()));
            }
        }
        assertTrue(out.size() >= 10, out.toString());
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void expression_thenEveryMetricAndLabelOnLiveMetrics(String name, String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher grouping = GROUPING.matcher(expr);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                labels.add(label.trim());
            }
        }
        Matcher matchers = MATCHERS.matcher(expr);
        while (matchers.find()) {
            for (String matcher : matchers.group(1).split(",")) {
                labels.add(matcher.split("[!=~]")[0].trim());
            }
        }
        String bare = GROUPING.matcher(MATCHERS.matcher(expr).replaceAll("")).replaceAll("")
            .replaceAll("\\[[^]]*]", "").replaceAll("\"[^\"]*\"", "");
        Set<String> metrics = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String token = identifier.group();
            int next = identifier.end();
            while (next < bare.length() && bare.charAt(next) == ' ') {
                next++;
            }
            boolean function = next < bare.length() && bare.charAt(next) == '(';
            if (!function && !KEYWORDS.contains(token)) {
                metrics.add(token);
            }
        }
        assertFalse(metrics.isEmpty(), expr);
        Set<String> seenLabels = new LinkedHashSet<>();
        for (String metric : metrics) {
            List<PrometheusText.Sample> samples = scrape.find(metric);
            assertFalse(samples.isEmpty(), name + ": " + metric + " is not on /metrics");
            samples.forEach(s -> seenLabels.addAll(s.labels().keySet()));
        }
        labels.removeIf(String::isEmpty);
        assertTrue(seenLabels.containsAll(labels), name + ": labels " + labels + " not all on " + metrics + " " + seenLabels);
    }
}
