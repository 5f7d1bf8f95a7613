package io.gatehouse.migration;

import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.identity.Secrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One case per mapping rule of {@link KongImport}: the Kong fragment, a piece of the route file
 * it must produce, and what it must list as not mapped. Every output also validates.
 */
class KongImportTest {

    private static final String SERVICE = """
        _format_version: "3.0"
        services:
          - name: orders
            url: http://10.0.0.5:8080/api
            routes:
              - name: orders
                paths: [/orders]
        """;

    /** Two jwt consumers sharing one secret, as one HMAC secret must serve every Gatehouse route. */
    private static final String JWT_CONSUMERS = """
        consumers:
          - username: a
            jwt_secrets: [{key: key-a, secret: shared-secret-of-more-than-32-bytes-0123}]
          - username: b
            jwt_secrets: [{key: key-b, secret: shared-secret-of-more-than-32-bytes-0123}]
        """;

    static Stream<Arguments> rules() {
        return Stream.of(
            Arguments.of("a service's url becomes the upstream target, its path the targets' base path", SERVICE,
                "  orders:\n    targets:\n    - http://10.0.0.5:8080/api\n", null),
            Arguments.of("host, port and protocol become the target", SERVICE.replace("url: http://10.0.0.5:8080/api",
                "host: orders.internal\n    port: 9000\n    protocol: https"), "- https://orders.internal:9000\n", null),
            Arguments.of("a Kong upstream's targets keep their weights", SERVICE.replace("url: http://10.0.0.5:8080/api",
                "host: orders-pool") + """
                upstreams:
                  - name: orders-pool
                    targets:
                      - {target: "10.0.0.1:8080", weight: 300}
                      - {target: "10.0.0.2:8080", weight: 100}
                """, "    - url: http://10.0.0.1:8080\n      weight: 300\n    - url: http://10.0.0.2:8080\n      weight: 100\n"
                + "    load-balancer: weighted\n", null),
            Arguments.of("a prefix path becomes /p/** and strip_path (the default) strip-prefix", SERVICE,
                "    match:\n      path: /orders/**\n    strip-prefix: true\n", null),
            Arguments.of("strip_path: false keeps the path", SERVICE.replace("paths: [/orders]", "paths: [/orders]\n        strip_path: false"),
                "    match:\n      path: /orders/**\n    upstream: orders\n", null),
            Arguments.of("the root path becomes /** without stripping", SERVICE.replace("paths: [/orders]", "paths: [/]"),
                "      path: /**\n    upstream: orders\n", null),
            Arguments.of("a route without paths matches every path", SERVICE.replace("paths: [/orders]", "hosts: [a.example.com]"),
                "      path: /**\n      hosts:\n      - a.example.com\n", null),
            Arguments.of("each path becomes a route of its own", SERVICE.replace("paths: [/orders]", "paths: [/orders, /v2/orders]"),
                "  - id: orders-2\n    match:\n      path: /v2/orders/**\n", null),
            Arguments.of("a regular-expression path is not mapped", SERVICE.replace("paths: [/orders]", "paths: [\"~/orders/\\\\d+$\"]"),
                null, "a regular-expression path"),
            Arguments.of("hosts and methods become matchers", SERVICE.replace("paths: [/orders]",
                "paths: [/orders]\n        hosts: [\"*.example.com\"]\n        methods: [GET]"),
                "      hosts:\n      - '*.example.com'\n      methods:\n      - GET\n", null),
            Arguments.of("a trailing host wildcard is not mapped", SERVICE.replace("paths: [/orders]",
                "paths: [/orders]\n        hosts: [\"example.*\"]"), null, "a trailing wildcard"),
            Arguments.of("one header value is an exact matcher, several an alternation", SERVICE.replace("paths: [/orders]",
                "paths: [/orders]\n        headers: {x-tier: [gold], x-region: [eu, us]}"),
                "\\Qeu\\E|\\Qus\\E", null),
            Arguments.of("preserve_host keeps the client's Host", SERVICE.replace("paths: [/orders]",
                "paths: [/orders]\n        preserve_host: true"), "    host-header: preserve\n", null),
            Arguments.of("service timeouts other than Kong's default become route timeouts", SERVICE.replace("url:",
                "connect_timeout: 2000\n    read_timeout: 60000\n    url:"), "    timeouts:\n      connect: 2000ms\n", null),
            Arguments.of("key-auth becomes auth: api-key", plugin("key-auth", "{}"), "    auth: api-key\n",
                "Gatehouse reads keys from the header only"),
            Arguments.of("jwt becomes auth: jwt", plugin("jwt", "{}"), "    auth: jwt\n", "from the Authorization header only"),
            Arguments.of("key-auth and jwt together become auth: any", plugin("key-auth", "{}") + """
                      - name: jwt
                """, "    auth: any\n", null),
            Arguments.of("acl allow becomes an allow list", plugin("acl", "{allow: [partners]}"),
                "    authorization:\n      groups:\n        allow:\n        - partners\n", null),
            Arguments.of("acl deny becomes a deny list", plugin("acl", "{deny: [suspended]}"),
                "      groups:\n        deny:\n        - suspended\n", null),
            Arguments.of("acl without an auth plugin asks for any credential", plugin("acl", "{allow: [partners]}"),
                "    auth: any\n", null),
            Arguments.of("acl with both lists keeps the allow list and says so", plugin("acl", "{allow: [a], deny: [b]}"),
                "        allow:\n        - a\n", "both allow and deny"),
            Arguments.of("rate-limiting is a comment, not imported", plugin("rate-limiting", "{minute: 5, hour: 100}"),
                "  # limits (not imported, see docs/limits.md): 5 per minute, 100 per hour\n", "rate limits are not imported"),
            Arguments.of("cors is a comment, not built", plugin("cors", "{origins: ['*']}"), "  # cors (not built yet)",
                "CORS is not built"),
            Arguments.of("request-size-limiting is not mapped", plugin("request-size-limiting", "{allowed_payload_size: 1}"),
                null, "no per-route body limit"),
            Arguments.of("another plugin is not mapped", plugin("bot-detection", "{}"), null,
                "no Gatehouse equivalent of the Kong plugin 'bot-detection'"),
            Arguments.of("a disabled plugin is not imported", plugin("key-auth", "{}").replace("name: key-auth",
                "name: key-auth\n        enabled: false"), null, "disabled in Kong"),
            Arguments.of("a route plugin overrides the service's", plugin("acl", "{allow: [service-group]}").replace("paths: [/orders]",
                "paths: [/orders]\n        plugins: [{name: acl, config: {allow: [route-group]}}]"), "        - route-group\n", null),
            Arguments.of("a consumer's key becomes its SHA-256 and its acls its groups", SERVICE + """
                consumers:
                  - username: acme
                    keyauth_credentials: [{key: k-123}]
                    acls: [{group: partners}]
                """, "  acme:\n    groups:\n    - partners\n    keys:\n    - id: kong-1\n      sha256: " + Secrets.sha256("k-123") + "\n",
                null),
            Arguments.of("a consumer's rate limit is a plan comment", SERVICE + """
                consumers:
                  - username: acme
                    plugins: [{name: rate-limiting, config: {day: 1000}}]
                """, "  # plan (not imported, see docs/limits.md): 1000 per day\n", "a consumer's rate limit is a plan"),
            Arguments.of("basic-auth credentials are not mapped", SERVICE + """
                consumers:
                  - username: acme
                    basicauth_credentials: [{username: a, password: b}]
                """, null, "API keys, JWTs and sessions only"),
            Arguments.of("two different jwt secrets are not mapped", plugin("jwt", "{}") + """
                consumers:
                  - username: a
                    jwt_secrets: [{key: iss-a, secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}]
                  - username: b
                    jwt_secrets: [{key: iss-b, secret: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}]
                """, null, "2 different HMAC secrets"),
            Arguments.of("a jwt secret shorter than 32 bytes is not mapped", plugin("jwt", "{}") + """
                consumers:
                  - username: a
                    jwt_secrets: [{key: iss-a, secret: short}]
                """, null, "shorter than 32 bytes"),
            Arguments.of("an RS256 credential needs a JWKS", plugin("jwt", "{}") + """
                consumers:
                  - username: a
                    jwt_secrets: [{key: iss-a, algorithm: RS256, rsa_public_key: "-----BEGIN PUBLIC KEY-----"}]
                """, null, "publish it as a JWKS"),
            Arguments.of("jwt by the iss claim: the credentials' keys are gateway.jwt.issuers, not a claims.match",
                plugin("jwt", "{}") + JWT_CONSUMERS, "    auth: jwt\n\nconsumers:", null),
            Arguments.of("jwt by another claim with one credential: claims.match requires that key", plugin("jwt", "{key_claim_name: kid}")
                + JWT_CONSUMERS.substring(0, JWT_CONSUMERS.indexOf("  - username: b")),
                "  # Kong jwt: the token's 'kid' claim names one of the jwt credentials (Kong also read it from the token's header; "
                    + "claims.match reads the claims)\n  - id: orders\n", null),
            Arguments.of("jwt by another claim with one credential: its key is one value", plugin("jwt", "{key_claim_name: kid}")
                + JWT_CONSUMERS.substring(0, JWT_CONSUMERS.indexOf("  - username: b")),
                "    auth: jwt\n    claims:\n      match:\n        kid: key-a\n", null),
            Arguments.of("jwt by another claim with several credentials: claims.match lists their keys",
                plugin("jwt", "{key_claim_name: kid}") + JWT_CONSUMERS,
                "    auth: jwt\n    claims:\n      match:\n        kid:\n        - key-a\n        - key-b\n", null),
            Arguments.of("jwt by another claim with key-auth (auth: any) is not mapped", plugin("jwt", "{key_claim_name: kid}")
                + "      - name: key-auth\n        config: {}\n" + JWT_CONSUMERS, "    auth: any\n",
                "a claims.match on it would refuse the API-key callers auth: any admits too"),
            Arguments.of("an unknown top-level key is not mapped", SERVICE + "certificates: []\n", null, "certificates: no Gatehouse"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rule_thenRouteFileAndUnmappedList(String rule, String kong, String fragment, String unmapped) {
        RouteFile file = KongImport.convert(new Yaml(new SafeConstructor(new LoaderOptions())).load(kong), "kong.yml");
        String yaml = file.yaml();
        if (fragment != null) {
            assertTrue(yaml.contains(fragment), yaml);
        }
        if (unmapped == null) {
            assertEquals(List.of(), file.unmapped().stream().filter(u -> !u.where().startsWith("key-auth")
                && !u.where().startsWith("jwt.")).toList(), yaml);
        } else {
            assertTrue(file.unmapped().stream().anyMatch(u -> u.toString().contains(unmapped)),
                file.unmapped().toString());
        }
        GatewayDefinition.of(List.of(new GatewayDefinition.Source("imported", new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(yaml))));
    }

    @Test
    void oneJwtSecretAndKeyAuth_thenTheSettingsTheFileNeeds() {
        RouteFile file = KongImport.convert(new Yaml(new SafeConstructor(new LoaderOptions())).load(plugin("jwt", "{claims_to_verify: [exp]}")
            + "      - name: key-auth\n        config: {key_names: [x-key, apikey]}\n" + """
            consumers:
              - username: a
                jwt_secrets: [{key: iss-a, secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}]
            """), "kong.yml");
        assertEquals(List.of("gateway.jwt.secret=the secret of consumers[a].jwt_secrets[iss-a]", "gateway.jwt.issuers=iss-a",
                "gateway.jwt.require-expiration=true", "gateway.api-keys.header=x-key"),
            file.settings().stream().map(s -> s.property() + "=" + s.value()).toList());
        assertTrue(file.unmapped().stream().anyMatch(u -> u.why().contains("[apikey] are not read")), file.unmapped().toString());
        assertTrue(file.yaml().contains("#   gateway.api-keys.header = x-key"), file.yaml());
    }

    @Test
    void jwtByAnotherClaim_thenNoIssuersSetting() {
        RouteFile file = KongImport.convert(new Yaml(new SafeConstructor(new LoaderOptions())).load(
            plugin("jwt", "{key_claim_name: kid}") + JWT_CONSUMERS), "kong.yml");
        assertEquals(List.of("gateway.jwt.secret=the secret of consumers[b].jwt_secrets[key-b]"),
            file.settings().stream().map(s -> s.property() + "=" + s.value()).toList());
        assertEquals(List.of("jwt.uri_param_names"), file.unmapped().stream().map(RouteFile.Unmapped::where).toList());
    }

    @Test
    void notAKongFile_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> KongImport.convert(java.util.Map.of("http", java.util.Map.of()), "x.yml"));
    }

    private static String plugin(String name, String config) {
        return SERVICE + "    plugins:\n      - name: " + name + "\n        config: " + config + "\n";
    }
}
