package io.gatehouse.migration;

import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One case per mapping rule of {@link TraefikImport} and {@link TraefikRule}: a router (its rule
 * and middlewares) over one service, a piece of the route file it must produce, and what it must
 * list as not mapped. Every output also validates.
 */
class TraefikImportTest {

    private static final String DYNAMIC = """
        http:
          routers:
            api:
              rule: "%s"
              service: api
              middlewares: [%s]
          middlewares:
            strip-api:
              stripPrefix: {prefixes: [/api]}
            jwt:
              plugin:
                jwt:
                  secret: a-secret-of-more-than-thirty-two-bytes-0123
                  require: {project: shop, aud: [a, b], tenant: "{{.Host}}"}
                  headerMap: {X-User: sub}
                  forwardToken: false
            one-of:
              plugin:
                jwt:
                  require: {service: {$or: [catalog, catalog-v2]}}
            repeated:
              plugin:
                jwt:
                  require: {service: [api, api], version: 2}
            all-of:
              plugin:
                jwt:
                  require: {role: {$and: [hr, power]}}
            templated-list:
              plugin:
                jwt:
                  require: {service: [api, "{{.Host}}"]}
            none-of:
              plugin:
                jwt:
                  require: {service: []}
            limit:
              rateLimit: {average: 10}
            auth:
              basicAuth: {users: ["a:b"]}
            both:
              chain: {middlewares: [strip-api, jwt]}
          services:
            api:
              loadBalancer:
                servers: [{url: "http://10.0.0.7:8080"}]
        """;

    static Stream<Arguments> rules() {
        return Stream.of(
            Arguments.of("PathPrefix becomes /p/**", "PathPrefix(`/api`)", "", "      path: /api/**\n", null),
            Arguments.of("Path is exact", "Path(`/health`)", "", "      path: /health\n", null),
            Arguments.of("Path with a plain variable is a template", "Path(`/users/{id}`)", "", "      path: /users/{id}\n", null),
            Arguments.of("Path with a regular expression in a variable is not mapped", "Path(`/users/{id:[0-9]+}`)", "", null,
                "a regular expression in a variable"),
            Arguments.of("no path matcher matches every path", "Host(`a.example.com`)", "",
                "      path: /**\n      hosts:\n      - a.example.com\n", null),
            Arguments.of("Host and Method become matchers", "Host(`a.example.com`) && Method(`GET`, `POST`) && PathPrefix(`/api`)", "",
                "      hosts:\n      - a.example.com\n      methods:\n      - GET\n      - POST\n", null),
            Arguments.of("Header and HeaderRegexp become header matchers", "PathPrefix(`/api`) && Header(`X-Tier`, `gold`) && "
                + "HeaderRegexp(`X-Region`, `eu-.*`)", "", "        X-Tier: gold\n        X-Region: ~eu-.*\n", null),
            Arguments.of("Query becomes a query matcher, both spellings", "PathPrefix(`/api`) && Query(`v`, `2`) && Query(`debug`)", "",
                "        v: '2'\n        debug: '*'\n", null),
            Arguments.of("|| becomes one route per alternative", "PathPrefix(`/api`) || PathPrefix(`/v2`)", "",
                "  - id: api-2\n    match:\n      path: /v2/**\n", null),
            Arguments.of("a matcher with several arguments becomes several routes", "PathPrefix(`/api`, `/v2`)", "",
                "  - id: api-2\n    match:\n      path: /v2/**\n", null),
            Arguments.of("a negation is not mapped", "PathPrefix(`/api`) && !Host(`x`)", "", null, "a negation"),
            Arguments.of("parentheses are not mapped", "(PathPrefix(`/a`) || PathPrefix(`/b`)) && Host(`x`)", "", null, "parentheses"),
            Arguments.of("ClientIP is not mapped", "PathPrefix(`/api`) && ClientIP(`10.0.0.0/8`)", "", null,
                "ClientIP in 'PathPrefix(`/api`) && ClientIP(`10.0.0.0/8`)' has no Gatehouse matcher"),
            Arguments.of("two path matchers in one alternative are not mapped", "PathPrefix(`/api`) && Path(`/api/x`)", "", null,
                "two path matchers"),
            Arguments.of("stripPrefix of the router's prefix becomes strip-prefix", "PathPrefix(`/api`)", "strip-api",
                "    strip-prefix: true\n", null),
            Arguments.of("stripPrefix of another prefix is not mapped", "PathPrefix(`/other`)", "strip-api", null,
                "strips [/api] but the route's path is /other/**"),
            Arguments.of("the JWT plugin becomes auth, claims.match, forward and strip-authorization", "PathPrefix(`/api`)", "jwt",
                "    auth: jwt\n    claims:\n      match:\n        project: shop\n        aud:\n        - a\n        - b\n"
                    + "      forward:\n        sub: X-User\n      strip-authorization: true\n", "'{{.Host}}' is a template"),
            Arguments.of("a required value stays one value", "PathPrefix(`/api`)", "jwt", "      match:\n        project: shop\n",
                "'{{.Host}}' is a template"),
            Arguments.of("a list of required values becomes a claims.match list", "PathPrefix(`/api`)", "jwt",
                "        aud:\n        - a\n        - b\n", "'{{.Host}}' is a template"),
            Arguments.of("$or over values becomes a claims.match list", "PathPrefix(`/api`)", "one-of",
                "    claims:\n      match:\n        service:\n        - catalog\n        - catalog-v2\n", null),
            Arguments.of("a value listed twice is kept once, and a list of one is one value", "PathPrefix(`/api`)", "repeated",
                "      match:\n        service: api\n        version: '2'\n", null),
            Arguments.of("$and is not mapped", "PathPrefix(`/api`)", "all-of", null, "a nested requirement or $and"),
            Arguments.of("a list with a template is not mapped", "PathPrefix(`/api`)", "templated-list", null,
                "'{{.Host}}' is a template"),
            Arguments.of("an empty list is not mapped", "PathPrefix(`/api`)", "none-of", null, "an empty list accepts no token"),
            Arguments.of("a templated claim requirement is not mapped", "PathPrefix(`/api`)", "jwt", null,
                "'{{.Host}}' is a template"),
            Arguments.of("a chain is followed", "PathPrefix(`/api`)", "both", "    strip-prefix: true\n",
                "'{{.Host}}' is a template"),
            Arguments.of("rateLimit is a comment, not imported", "PathPrefix(`/api`)", "limit",
                "  # limits (not imported, see docs/limits.md): {average=10}\n", "rate limits are not imported"),
            Arguments.of("basicAuth is not mapped", "PathPrefix(`/api`)", "auth", null, "API keys, JWTs and sessions only"),
            Arguments.of("a middleware of another provider is not mapped", "PathPrefix(`/api`)", "x@docker", null,
                "another provider's middleware"),
            Arguments.of("passHostHeader (true by default) keeps the client's Host", "PathPrefix(`/api`)", "",
                "    host-header: preserve\n", null),
            Arguments.of("a service's servers become the upstream's targets", "PathPrefix(`/api`)", "",
                "  api:\n    targets:\n    - http://10.0.0.7:8080\n", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rule_thenRouteFileAndUnmappedList(String name, String rule, String middlewares, String fragment, String unmapped) {
        RouteFile file = convert(DYNAMIC.formatted(rule, middlewares));
        String yaml = file.yaml();
        if (fragment != null) {
            assertTrue(yaml.contains(fragment), yaml);
        }
        if (unmapped == null) {
            assertEquals(List.of(), file.unmapped().stream().filter(u -> !u.where().startsWith("services.")).toList(), yaml);
        } else {
            assertTrue(file.unmapped().stream().anyMatch(u -> u.why().contains(unmapped)), file.unmapped().toString());
        }
        GatewayDefinition.of(List.of(new GatewayDefinition.Source("imported", new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(yaml))));
    }

    @Test
    void servicesWithHealthCheckWeightsAndSticky_thenUpstreamAndWhatIsNotMapped() {
        RouteFile file = convert("""
            http:
              routers:
                api: {rule: "PathPrefix(`/api`)", service: api@file, tls: {}}
                mirror: {rule: "PathPrefix(`/m`)", service: mirrored}
              services:
                api:
                  loadBalancer:
                    passHostHeader: false
                    sticky: {cookie: {}}
                    healthCheck: {path: /healthz, interval: 5s, timeout: 1s, port: 9000}
                    servers: [{url: "http://10.0.0.1:80", weight: 3}, {url: "http://10.0.0.2:80", weight: 1}]
                mirrored:
                  mirroring: {service: api}
                unused:
                  loadBalancer: {servers: [{url: "http://10.0.0.3:80"}]}
            """);
        String yaml = file.yaml();
        assertTrue(yaml.contains("""
              api:
                targets:
                - url: http://10.0.0.1:80
                  weight: 3
                - url: http://10.0.0.2:80
                  weight: 1
                load-balancer: weighted
                health-check:
                  path: /healthz
                  interval: 5s
                  timeout: 1s
            """), yaml);
        assertTrue(!yaml.contains("host-header"), yaml);
        List<String> unmapped = file.unmapped().stream().map(RouteFile.Unmapped::toString).toList();
        assertEquals(List.of(
            "services.api.loadBalancer.healthCheck.port: Gatehouse probes GET <path> on each target and wants a 2xx",
            "services.api.loadBalancer.sticky: no sticky cookies; load-balancer: consistent-hash with hash-on: header:<name> or "
                + "claim:<name> keeps a caller on a target",
            "routers.api.tls: TLS terminates in front of Gatehouse (a load balancer or API Gateway)",
            "services.mirrored.mirroring: Gatehouse balances over one upstream's targets; a mirroring service is left out, and so "
                + "are its routers",
            "services.unused: no router uses it"), unmapped);
    }

    @Test
    void twoJwtMiddlewaresWithDifferentSecrets_thenTheSecondIsNotMapped() {
        RouteFile file = convert("""
            http:
              routers:
                a: {rule: "PathPrefix(`/a`)", service: s, middlewares: [ja]}
                b: {rule: "PathPrefix(`/b`)", service: s, middlewares: [jb]}
              middlewares:
                ja: {plugin: {jwt: {secret: first-secret-of-more-than-32-bytes-000}}}
                jb: {plugin: {jwt: {secret: other-secret-of-more-than-32-bytes-000}}}
              services:
                s: {loadBalancer: {servers: [{url: "http://10.0.0.1"}]}}
            """);
        assertEquals(List.of("gateway.jwt.secret=the secret of middlewares.ja.plugin.jwt"),
            file.settings().stream().map(s -> s.property() + "=" + s.value()).toList());
        assertTrue(file.unmapped().stream().anyMatch(u -> u.where().equals("middlewares.jb.plugin.jwt.secret")),
            file.unmapped().toString());
    }

    @Test
    void unreadableRules_thenNamed() {
        for (String rule : List.of("", "PathPrefix(/x)", "PathPrefix(`/x`) &&", "Path", "PathPrefix(`/x`")) {
            assertThrows(IllegalArgumentException.class, () -> TraefikRule.parse(rule), rule);
        }
        assertEquals(List.of(List.of(new TraefikRule.Matcher("Host", List.of("a", "b")),
                new TraefikRule.Matcher("PathPrefix", List.of("/x")))),
            TraefikRule.parse("Host(`a`, \"b\") && PathPrefix('/x')").alternatives());
    }

    private static RouteFile convert(String yaml) {
        return TraefikImport.convert(List.of(new TraefikImport.Document("dynamic.yml",
            new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml))), "dynamic", Map.of());
    }
}
