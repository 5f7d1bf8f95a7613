package io.gatehouse.policy.limit;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.GatewayDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every limit, plan and {@code plans-by} key is validated when the definition loads, and a bad
 * one refuses the definition naming its field path: the checks the gateway's start, a reload, an
 * admin write and {@code bin/gatehouse validate} share ({@link GatewayDefinition#of}).
 */
class LimitDefinitionsTest {

    private static final String BASE = """
        upstreams:
          svc: { targets: ["http://127.0.0.1:9"] }
        plans:
          gold:
            limits:
              - { requests: 1000, per: minute }
              - { requests: 60000, per: hour }
              - { requests: 1440000, per: day, burst: 200 }
        plans-by:
          claim: plan
          groups: { partners: gold }
          default: gold
        consumers:
          partner: { plan: gold }
        routes:
          - id: limited
            match: { path: /limited/** }
            upstream: svc
            limits:
              - { by: ip, requests: 3, per: minute }
              - { by: "header:X-Tenant", requests: 10, per: second, on-store-failure: deny }
              - { plan: true }
        """;

    private static GatewayDefinition load(String yaml) {
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("limits.yml", new Yaml().load(yaml))));
    }

    @Test
    void theIssuesShape_thenLoadedAndCompiled() {
        GatewayDefinition definition = load(BASE);
        assertEquals(List.of("gold"), List.copyOf(definition.plans().keySet()));
        PlanTable table = new PlanParticipant(new RateLimitConfiguration()).prepare(definition);
        assertEquals(List.of("1000/minute", "60000/hour", "1440000/day/burst=200"),
            table.plan("gold").limits().stream().map(l -> l.rule().shape()).toList());
        assertEquals("plan", table.plansBy().claim());
    }

    static Stream<Arguments> problems() {
        return Stream.of(
            Arguments.of("an unknown window", BASE.replace("requests: 3, per: minute", "requests: 3, per: fortnight"),
                "routes[0].limits[0].per", "must be one of second, minute, hour, day, not 'fortnight'"),
            Arguments.of("no window", BASE.replace("requests: 3, per: minute", "requests: 3"),
                "routes[0].limits[0].per", "is required: second, minute, hour or day"),
            Arguments.of("no requests", BASE.replace("by: ip, requests: 3,", "by: ip,"),
                "routes[0].limits[0].requests", "is required"),
            Arguments.of("zero requests", BASE.replace("requests: 3,", "requests: 0,"),
                "routes[0].limits[0].requests", "must be between 1 and 1000000000, not 0"),
            Arguments.of("a burst of zero", BASE.replace("burst: 200", "burst: 0"),
                "plans.gold.limits[2].burst", "must be between 1 and 1000000000, not 0"),
            Arguments.of("an unknown key of a limit", BASE.replace("by: ip, requests: 3", "by: ip, rate: 3, requests: 3"),
                "routes[0].limits[0].rate", "unknown field (expected one of by, requests, per, burst, on-store-failure)"),
            Arguments.of("an unknown by", BASE.replace("by: ip", "by: country"),
                "routes[0].limits[0].by", "must be ip, consumer, credential, route, tenant, header:<name> or claim:<name>, not 'country'"),
            Arguments.of("a header without its name", BASE.replace("\"header:X-Tenant\"", "header"),
                "routes[0].limits[1].by", "'header' needs a name: header:<name>"),
            Arguments.of("a credential header as key", BASE.replace("\"header:X-Tenant\"", "\"header:Authorization\""),
                "routes[0].limits[1].by", "'authorization' carries credentials, which are never used as keys; use by: consumer or credential"),
            Arguments.of("an unknown on-store-failure", BASE.replace("on-store-failure: deny", "on-store-failure: shrug"),
                "routes[0].limits[1].on-store-failure", "must be one of allow-local, deny, not 'shrug'"),
            Arguments.of("limits as a map", BASE.replace("    limits:\n      - { by: ip, requests: 3, per: minute }\n"
                    + "      - { by: \"header:X-Tenant\", requests: 10, per: second, on-store-failure: deny }\n      - { plan: true }\n",
                    "    limits: { plan: gold }\n"),
                "routes[0].limits", "must be a list of limits such as [{by: ip, requests: 100, per: minute}, {plan: true}]"),
            Arguments.of("a route naming no plan", BASE.replace("{ plan: true }", "{ plan: silver }"),
                "routes[0].limits[2].plan", "unknown plan 'silver' (defined: gold)"),
            Arguments.of("plan: false", BASE.replace("{ plan: true }", "{ plan: false }"),
                "routes[0].limits[2].plan", "must be true (the caller's plan) or a plan's name; leave the entry out for no plan"),
            Arguments.of("an unknown key of a plan", BASE.replace("  gold:\n    limits:", "  gold:\n    quota: 5\n    limits:"),
                "plans.gold.quota", "unknown field (expected one of limits, on-store-failure)"),
            Arguments.of("a plan without limits", BASE.replace("plans:\n  gold:\n", "plans:\n  free: { on-store-failure: deny }\n  gold:\n"),
                "plans.free.limits", "is required: a plan is a list of limits such as [{requests: 1000, per: minute}]"),
            Arguments.of("a plan's limit with by", BASE.replace("{ requests: 1000, per: minute }", "{ by: ip, requests: 1000, per: minute }"),
                "plans.gold.limits[0].by", "unknown field (expected one of requests, per, burst)"),
            Arguments.of("a consumer naming no plan", BASE.replace("partner: { plan: gold }", "partner: { plan: platinum }"),
                "consumers.partner.plan", "unknown plan 'platinum' (defined: gold)"),
            Arguments.of("plans-by naming no plan", BASE.replace("default: gold", "default: free"),
                "plans-by.default", "unknown plan 'free' (defined: gold)"),
            Arguments.of("a plans-by group naming no plan", BASE.replace("partners: gold", "partners: silver"),
                "plans-by.groups.partners", "unknown plan 'silver' (defined: gold)"),
            Arguments.of("an unknown plans-by key", BASE.replace("claim: plan", "claims: plan"),
                "plans-by.claims", "unknown field (expected one of claim, groups, default)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    void badKey_thenRefusedNamingIt(String name, String yaml, String path, String message) {
        DefinitionException e = assertThrows(DefinitionException.class, () -> load(yaml));
        assertEquals(List.of(new DefinitionProblem("limits.yml", path, message)), e.problems(), e.getMessage());
    }
}
