package io.gatehouse.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.route.PathPattern;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes whose path pattern matches gateway-owned paths are named at load, with the paths they
 * lose; the owned paths come from the router of a real application context.
 */
class ShadowedRoutesTest {

    private static ApplicationContext gateway(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("gateway.upstreams.backend.targets", List.of("http://127.0.0.1:9"));
        return ApplicationContext.run(properties);
    }

    private static void route(Map<String, Object> properties, int index, String id, String path) {
        properties.put("gateway.routes[" + index + "].id", id);
        properties.put("gateway.routes[" + index + "].match.path", path);
        properties.put("gateway.routes[" + index + "].upstream", "backend");
    }

    @ParameterizedTest(name = "{0} loses {1}")
    @CsvSource(delimiter = '|', textBlock = """
        /health                | /health
        /v1/*                  | /v1/console, /v1/docs, /v1/feedback, /v1/health, /v1/openapi.json, /v1/services, /v1/tokens
        /admin/routes/special  | /admin/routes/{id}
        /v1/tokens/{id}        | /v1/tokens/cleanup, /v1/tokens/{jti}
        /feedback/*            | /feedback/stats
        /orders/**             |
        /v2/health             |
        """)
    void pattern_thenLosesTheOwnedPathsItMatches(String pattern, String expected) {
        try (ApplicationContext context = gateway(Map.of())) {
            List<String> lost = context.getBean(OwnedPaths.class).shadowedBy(PathPattern.parse(pattern));
            List<String> want = expected == null ? List.of() : Arrays.stream(expected.split(",")).map(String::trim).toList();
            assertEquals(want, lost);
        }
    }

    @Test
    void catchAll_thenLosesEveryOwnedPath() {
        try (ApplicationContext context = gateway(Map.of())) {
            OwnedPaths owned = context.getBean(OwnedPaths.class);
            assertEquals(owned.templates(), owned.shadowedBy(PathPattern.parse("/**")));
            assertTrue(owned.templates().containsAll(List.of("/v1/health", "/health", "/openapi.json", "/ping", "/metrics")),
                owned.templates().toString());
        }
    }

    @Test
    void aliasSwitchedOff_thenItsPathIsNotOwned() {
        try (ApplicationContext context = gateway(Map.of(LegacyAliasesConfiguration.HEALTH, false,
            LegacyAliasesConfiguration.OPENAPI, false, LegacyAliasesConfiguration.FEEDBACK, false))) {
            OwnedPaths owned = context.getBean(OwnedPaths.class);
            assertFalse(owned.owns("/health"));
            assertFalse(owned.owns("/openapi.json"));
            assertFalse(owned.owns("/feedback"));
            assertFalse(owned.owns("/feedback/stats"));
            assertTrue(owned.owns("/v1/feedback"));
            assertTrue(owned.owns("/v1/feedback/stats"));
            assertTrue(owned.owns("/v1/health"));
            assertTrue(owned.owns("/v1/openapi.json"));
            assertEquals(List.of(), owned.shadowedBy(PathPattern.parse("/health")));
        }
    }

    @Test
    void feedbackSwitchedOff_thenNeitherItsPathsNorItsAliasesAreOwned() {
        try (ApplicationContext context = gateway(Map.of("gateway.feedback.enabled", false))) {
            OwnedPaths owned = context.getBean(OwnedPaths.class);
            for (String path : List.of("/v1/feedback", "/v1/feedback/stats", "/feedback", "/feedback/stats")) {
                assertFalse(owned.owns(path), path);
            }
            assertTrue(owned.owns("/v1/health"));
        }
    }

    @Test
    void routesThatLoseOwnedPaths_thenEachIsNamedInAWarningAtLoad() {
        Logger logger = (Logger) LoggerFactory.getLogger(ShadowedRoutes.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Map<String, Object> properties = new HashMap<>();
        route(properties, 0, "backend-health", "/health");
        route(properties, 1, "orders", "/orders/**");
        route(properties, 2, "everything", "/**");
        try (ApplicationContext ignored = gateway(properties)) {
            List<String> warnings = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, warnings.size(), warnings.toString());
            assertEquals("Route 'backend-health' with path /health, defined in application configuration (gateway.*), cannot "
                + "reach 1 path the gateway owns, which it answers itself and never proxies: /health. /health is a legacy alias, "
                + "given up with gateway.legacy-aliases.health=false.", warnings.get(0));
            assertTrue(warnings.get(1).startsWith("Route 'everything' with path /**, defined in application configuration (gateway.*), "
                + "cannot reach "), warnings.get(1));
            assertTrue(warnings.get(1).contains("/admin/routes, ") && warnings.get(1).contains("/v1/health, "), warnings.get(1));
            assertTrue(warnings.stream().noneMatch(w -> w.contains("'orders'")), warnings.toString());
        } finally {
            logger.detachAppender(lines);
        }
    }
}
