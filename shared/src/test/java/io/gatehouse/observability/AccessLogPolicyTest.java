package io.gatehouse.observability;

import io.gatehouse.policy.PolicyChain;
import io.gatehouse.policy.PolicyChains;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.route.RequestView;
import io.gatehouse.testing.FixedResponseHead;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestRequest;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access log's formats and redaction, through the chain of the gateway's own endpoints, with
 * the settings an operator writes ({@code GATEWAY_ACCESS_LOG_FORMAT=text} included).
 */
class AccessLogPolicyTest {

    /** A request with a raw query as the client sent it (TestRequest carries decoded parameters only). */
    private record Queried(TestRequest request, String rawQuery) implements RequestView {
        @Override
        public String method() {
            return request.method();
        }

        @Override
        public String path() {
            return request.path();
        }

        @Override
        public String host() {
            return request.host();
        }

        @Override
        public String header(String name) {
            return request.header(name);
        }

        @Override
        public List<String> query(String name) {
            return request.query(name);
        }
    }

    private static RequestView request(String path, String rawQuery) {
        return new Queried(TestRequest.get(path).withHeader("User-Agent", "agent\n\"quoted\""), rawQuery);
    }

    private static String logged(Map<String, Object> properties, String path, String rawQuery) {
        try (ApplicationContext context = ApplicationContext.run(properties);
             LogCapture logs = LogCapture.start()) {
            PolicyChain chain = context.getBean(PolicyChains.class).chain(null);
            PolicyExchange exchange = new PolicyExchange(null, request(path, rawQuery), "req-42", "192.0.2.1", false, false);
            exchange.endpoint("/ping");
            chain.request(exchange);
            chain.response(exchange, new FixedResponseHead(204));
            chain.completed(exchange, 0, 0, false);
            List<String> lines = logs.messages(AccessLog.LOGGER);
            assertEquals(1, lines.size(), lines.toString());
            return lines.getFirst();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "token parameters     | a=1&access_token=s3cr3t&b=2       | /x?a=1&access_token=REDACTED&b=2",
        "names ignore case    | Access_Token=s3cr3t&PassWord=p    | /x?Access_Token=REDACTED&PassWord=REDACTED",
        "encoded names        | access%5Ftoken=s3cr3t             | /x?access%5Ftoken=REDACTED",
        "repeated             | code=a&code=b                      | /x?code=REDACTED&code=REDACTED",
        "no value kept as is  | token&x=1                          | /x?token&x=1",
        "other parameters     | page=2&sort=asc                    | /x?page=2&sort=asc"})
    void query_thenConfiguredParametersRedacted(String name, String query, String expected) {
        String line = logged(Map.of("gateway.access-log.async", false), "/x", query);
        assertTrue(line.contains("\"path\":\"" + expected + "\""), line);
        assertTrue(!line.contains("s3cr3t"), line);
    }

    @Test
    void configuredList_thenOnlyThoseRedacted() {
        String line = logged(Map.of("gateway.access-log.async", false, "gateway.access-log.redact-query-params", "ticket"),
            "/x", "ticket=t1&access_token=visible");
        assertTrue(line.contains("\"path\":\"/x?ticket=REDACTED&access_token=visible\""), line);
    }

    @Test
    void json_thenControlCharactersEscapedAndTheOwnEndpointNamed() {
        String line = logged(Map.of("gateway.access-log.async", false), "/ping", null);
        assertTrue(line.startsWith("{\"time\":\""), line);
        assertTrue(line.contains("\"request_id\":\"req-42\",\"trace_id\":null,\"route\":\"_gateway\",\"endpoint\":\"/ping\""), line);
        assertTrue(line.contains("\"user_agent\":\"agent\\n\\\"quoted\\\"\""), line);
        assertTrue(line.contains("\"status\":204,\"bytes_in\":0,\"bytes_out\":0,"), line);
        assertTrue(line.contains("\"client_ip\":\"192.0.2.1\""), line);
        assertTrue(line.endsWith("\"aborted\":false}"), line);
    }

    @Test
    void textAsTheEnvironmentSetsIt_thenOneReadableLine() {
        String line = logged(Map.of("gateway.access-log.async", false, "gateway.access-log.format", "text"), "/ping",
            "access_token=s3cr3t");
        assertTrue(line.matches("\\S+ GET /ping\\?access_token=REDACTED 204 \\d+\\.\\d{3}ms 0B route=_gateway id=req-42"), line);
    }

    @Test
    void traceparent_thenItsTraceIdOnlyWhenWellFormed() {
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceIds.fromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertNull(TraceIds.fromTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertNull(TraceIds.fromTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
        assertNull(TraceIds.fromTraceparent("garbage"));
        assertNull(TraceIds.fromTraceparent(null));
    }
}
