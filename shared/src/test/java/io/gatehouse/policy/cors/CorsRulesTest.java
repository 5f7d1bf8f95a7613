package io.gatehouse.policy.cors;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.policy.RouteDefinitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's {@code cors} key: what it refuses when the route loads, naming the field, and how its
 * origins match.
 */
class CorsRulesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ origins: [\"*\"], credentials: true }           | routes[0].cors.origins[0]: '*' cannot be used with credentials: true",
        "{ origins: [https://a.test], origin: [x] }         | routes[0].cors.origin: unknown field",
        "{ methods: [GET] }                                 | routes[0].cors.origins: is required",
        "{ origins: [https://a.test/app] }                  | routes[0].cors.origins[0]: must be an origin such as",
        "{ origins: [a.test] }                              | routes[0].cors.origins[0]: must be an origin such as",
        "{ origins: [\"null\"] }                            | routes[0].cors.origins[0]: 'null' is the origin of every sandboxed",
        "{ origins: [\"https://a.*.test\"] }                | routes[0].cors.origins[0]: must be an origin such as",
        "{ origins: [\"*\", https://a.test] }               | routes[0].cors.origins: '*' allows every origin; list it alone",
        "{ origins: [https://a.test], methods: [\"G T\"] }  | routes[0].cors.methods[0]: must be an HTTP method",
        "{ origins: [https://a.test], headers: [\"a b\"] }  | routes[0].cors.headers[0]: must be a header name",
        "{ origins: [https://a.test], credentials: true, expose-headers: [\"*\"] } | routes[0].cors.expose-headers[0]: '*' cannot be used with credentials: true",
        "{ origins: [https://a.test], max-age: 2d }         | routes[0].cors.max-age: must be a duration",
        "{ origins: [https://a.test], max-age: 100000 }     | routes[0].cors.max-age: must be between 0 and 86400 seconds",
        "{ origins: [https://a.test], credentials: maybe }  | routes[0].cors.credentials: must be true or false",
        "[https://a.test]                                   | routes[0].cors: must be a map"})
    void invalidCors_thenTheRouteIsRefusedNamingTheField(String cors, String expected) {
        RouteDefinitions.assertRefused("cors: " + cors, expected);
    }

    @Test
    void validCors_thenTheRouteLoads() {
        assertNotNull(RouteDefinitions.load("""
            cors:
              origins: [https://app.example.com, "https://*.example.com", "http://localhost:*", "capacitor://localhost"]
              methods: ["*"]
              headers: [Authorization]
              expose-headers: [X-Request-ID]
              credentials: true
              max-age: 10m
            """));
    }

    private static CorsRules rules(String yaml) {
        List<DefinitionProblem> problems = new ArrayList<>();
        CorsRules rules = CorsRules.parse(ConfigNode.root("test", new Yaml().load(yaml), problems), null);
        assertEquals(List.of(), problems);
        return rules;
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "https://app.example.com      | https://app.example.com       | true",
        "https://app.example.com      | HTTPS://APP.EXAMPLE.COM       | true",
        "https://app.example.com:443  | https://app.example.com       | true",
        "https://app.example.com      | https://app.example.com:8443  | false",
        "https://app.example.com      | http://app.example.com        | false",
        "https://*.example.com        | https://a.example.com         | true",
        "https://*.example.com        | https://a.b.example.com       | true",
        "https://*.example.com        | https://example.com           | false",
        "https://*.example.com        | https://.example.com          | false",
        "https://*.example.com        | https://badexample.com        | false",
        "https://*.example.com        | https://a.example.com.evil    | false",
        "https://*.example.com        | https://a.example.com:8443    | false",
        "https://*.example.com:8443   | https://a.example.com:8443    | true",
        "http://localhost:*           | http://localhost:5173         | true",
        "http://localhost:*           | http://localhost              | true",
        "http://localhost:*           | http://localhost.evil:5173    | false",
        "http://[::1]:*               | http://[::1]:3000             | true",
        "https://app.example.com      | null                          | false"})
    void origin_thenAllowedOnlyByAnEntryThatNamesIt(String configured, String origin, boolean allowed) {
        assertEquals(allowed, rules("{ origins: [\"" + configured + "\"] }").allowsOrigin(origin));
    }

    @Test
    void requestedHeaders_thenEachMustBeListedInAnyCase() {
        CorsRules rules = rules("{ origins: [https://a.test], headers: [Authorization, Content-Type] }");
        assertTrue(rules.allowsHeaders("authorization, CONTENT-TYPE"));
        assertTrue(rules.allowsHeaders(null));
        assertTrue(!rules.allowsHeaders("authorization, x-other"));
        assertTrue(rules("{ origins: [https://a.test] }").allowsHeaders("x-anything"), "no list: any header");
    }
}
