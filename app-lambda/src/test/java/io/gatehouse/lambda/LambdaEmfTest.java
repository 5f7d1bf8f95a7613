package io.gatehouse.lambda;

import io.gatehouse.contract.ContractRequest;
import io.gatehouse.testing.EchoUpstream;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.function.aws.proxy.MockLambdaContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CloudWatch Embedded Metric Format on Lambda: a real handler invocation (both payloads, built as
 * Lambda builds them) writes, on standard output before it returns, EMF lines that CloudWatch would
 * accept (the {@code _aws} metadata, every dimension and metric it names present at the root) with
 * this invocation's counts: the same families and labels as {@code /metrics}, counters as their
 * increase, histograms as values with counts, and nothing for what did not change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaEmfTest {

    private static final JsonMapper JSON = JsonMapper.createDefault();
    private static final List<Double> COMPAT_BOUNDS = List.of(0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0);

    private final EchoUpstream orders = EchoUpstream.start("orders");

    @AfterAll
    void stop() {
        orders.close();
    }

    private Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>();
        p.put("gateway.upstreams.orders-svc.targets", List.of(orders.url()));
        p.put("gateway.routes[0].id", "orders");
        p.put("gateway.routes[0].match.path", "/orders/{id}");
        p.put("gateway.routes[0].upstream", "orders-svc");
        return p;
    }

    /** Runs one invocation and returns the EMF lines it printed on standard output. */
    private static List<JsonNode> invocation(Supplier<Integer> invoke, int expectedStatus) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedStatus, invoke.get());
        } finally {
            System.setOut(original);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                try {
                    lines.add(JSON.readValue(line, Argument.of(JsonNode.class)));
                } catch (IOException e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
            }
        }
        assertFalse(lines.isEmpty(), "no EMF line in " + captured.toString(StandardCharsets.UTF_8));
        lines.forEach(LambdaEmfTest::assertValidEmf);
        return lines;
    }

    /** As CloudWatch reads a line: the metadata, and every dimension and metric it names at the root. */
    private static void assertValidEmf(JsonNode line) {
        JsonNode aws = line.get("_aws");
        assertTrue(aws.get("Timestamp").getLongValue() > 1_600_000_000_000L);
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertEquals("Gatehouse", directive.get("Namespace").getStringValue());
        for (JsonNode dimension : directive.get("Dimensions").get(0).values()) {
            assertTrue(line.get(dimension.getStringValue()).isString(), dimension.getStringValue() + " in " + json(line));
        }
        for (JsonNode metric : directive.get("Metrics").values()) {
            JsonNode value = line.get(metric.get("Name").getStringValue());
            assertNotNull(value, json(metric) + " in " + json(line));
            if (value.isObject()) {
                assertEquals(value.get("Values").size(), value.get("Counts").size(), json(line));
            } else {
                assertTrue(value.isNumber(), json(line));
            }
        }
    }

    private static String json(JsonNode line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The line whose dimensions have these values, and the metric's value in it. */
    private static JsonNode metric(List<JsonNode> lines, String metric, Map<String, String> dimensions) {
        for (JsonNode line : lines) {
            boolean match = dimensions.entrySet().stream().allMatch(d -> line.get(d.getKey()) != null
                && d.getValue().equals(line.get(d.getKey()).getStringValue()));
            if (match && line.get(metric) != null) {
                return line.get(metric);
            }
        }
        return null;
    }

    private static void assertOneRequest(List<JsonNode> lines, String path) {
        Map<String, String> compat = Map.of("method", "GET", "endpoint", "/orders/{id}", "service", "orders-svc", "status_code", "200");
        assertEquals(1, metric(lines, "http_requests_total", compat).getLongValue(), lines.stream().map(LambdaEmfTest::json).toList().toString());
        JsonNode histogram = metric(lines, "http_request_duration_seconds", compat);
        assertEquals(1, histogram.get("Values").size(), json(histogram));
        assertEquals(1, histogram.get("Counts").get(0).getLongValue());
        // A bucket's upper bound, or past the last bound (1 s) the longest duration seen.
        double seconds = histogram.get("Values").get(0).getDoubleValue();
        assertTrue(COMPAT_BOUNDS.contains(seconds) || seconds > 1.0, "a bucket's bound: " + seconds);
        JsonNode native_ = metric(lines, "gatehouse_request_duration_seconds",
            Map.of("route", "orders", "method", "GET", "status_class", "2xx"));
        assertEquals(1, native_.get("Counts").get(0).getLongValue());
        assertEquals(1, metric(lines, "proxy_requests_total", Map.of("target_service", "orders-svc", "status_code", "200")).getLongValue());
        assertEquals(0, metric(lines, "http_requests_in_progress", Map.of("method", "GET", "endpoint", "/orders/{id}")).getLongValue());
        // Nothing of the JVM's own meters, and no path beyond the template.
        for (JsonNode line : lines) {
            String text = json(line);
            assertFalse(text.contains("jvm_") || text.contains(path), text);
        }
    }

    @Test
    void restApiInvocations_thenEachWritesItsOwnCounts() {
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(properties());
             RestApiHandler handler = new RestApiHandler(context)) {
            ApiGatewayEvents.RestApiShape shape = ApiGatewayEvents.RestApiShape.customDomain();
            List<JsonNode> first = invocation(() -> handler.handleRequest(
                ApiGatewayEvents.restApi(ContractRequest.get("/orders/id-4711-a"), shape), new MockLambdaContext()).getStatusCode(), 200);
            assertOneRequest(first, "id-4711-a");
            // The second invocation reports its own request, not the sum.
            List<JsonNode> second = invocation(() -> handler.handleRequest(
                ApiGatewayEvents.restApi(ContractRequest.get("/orders/id-4712-b"), shape), new MockLambdaContext()).getStatusCode(), 200);
            assertOneRequest(second, "id-4712-b");
        }
    }

    @Test
    void httpApiInvocations_thenEachWritesItsOwnCountsAndNothingUnchanged() {
        try (ApplicationContext context = LambdaRuntimes.lambdaContext(properties());
             HttpApiHandler handler = new HttpApiHandler(context)) {
            ApiGatewayEvents.HttpApiShape shape = ApiGatewayEvents.HttpApiShape.namedStage();
            assertOneRequest(invocation(() -> handler.handleRequest(
                ApiGatewayEvents.httpApi(ContractRequest.get("/orders/id-81-c"), shape), new MockLambdaContext()).getStatusCode(), 200), "id-81-c");
            List<JsonNode> unmatched = invocation(() -> handler.handleRequest(
                ApiGatewayEvents.httpApi(ContractRequest.get("/elsewhere"), shape), new MockLambdaContext()).getStatusCode(), 404);
            assertEquals(1, metric(unmatched, "http_requests_total", Map.of("endpoint", "_unmatched", "status_code", "404")).getLongValue());
            // The route's counters did not move in this invocation: they are left out.
            assertTrue(unmatched.stream().noneMatch(l -> l.get("http_requests_total") != null && l.get("endpoint") != null
                && "/orders/{id}".equals(l.get("endpoint").getStringValue())), unmatched.stream().map(LambdaEmfTest::json).toList().toString());
        }
    }
}
