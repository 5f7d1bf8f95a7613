package io.gatehouse.contract;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's own API, headers and error envelope, over HTTP semantics only: the same
 * assertions hold on Netty and on both Lambda payloads.
 */
public abstract class FoundationContractTest extends ContractTestBase {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void health_thenOkWithTheEmbeddedDatabaseChecked() {
        ContractResponse response = send(ContractRequest.get("/v1/health"));
        assertEquals(200, response.status(), response.text());
        assertEquals("application/json", response.mediaType());
        JsonNode body = response.json();
        assertEquals("ok", body.get("status").getStringValue());
        assertEquals("gatehouse", body.get("service").getStringValue(), "gateway.service-name's default");
        assertEquals(null, body.get("environment"), "gateway.environment unset: left out, not guessed");
        JsonNode database = body.get("checks").get("database");
        assertEquals("ok", database.get("status").getStringValue());
        assertTrue(database.get("latency_ms").getNumberValue().longValue() >= 0);
        assertTrue(database.get("details").get("embedded").getBooleanValue());
    }

    @Test
    void legacyHealth_thenSameReportAsV1() {
        ContractResponse legacy = send(ContractRequest.get("/health"));
        assertEquals(200, legacy.status());
        assertEquals("ok", legacy.json().get("status").getStringValue());
        assertEquals("ok", legacy.json().get("checks").get("database").get("status").getStringValue());
    }

    @Test
    void ping_thenPlainOk() {
        ContractResponse response = send(ContractRequest.get("/ping"));
        assertEquals(200, response.status());
        assertEquals("OK", response.text());
        assertEquals("text/plain", response.mediaType());
    }

    @Test
    void metrics_thenPrometheusText() {
        send(ContractRequest.get("/ping"));
        ContractResponse response = send(ContractRequest.get("/metrics"));
        assertEquals(200, response.status());
        assertEquals("text/plain", response.mediaType());
        assertTrue(response.header("Content-Type").orElseThrow().contains("version=0.0.4"));
        assertTrue(response.text().contains("# TYPE jvm_memory_used_bytes gauge"), response.text());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/openapi.json", "/openapi.json"})
    void openApi_thenJsonDocumentWithoutLegacyAliases(String path) {
        ContractResponse response = send(ContractRequest.get(path));
        assertEquals(200, response.status());
        assertEquals("application/json", response.mediaType());
        JsonNode document = response.json();
        assertTrue(document.get("openapi").getStringValue().startsWith("3."));
        JsonNode paths = document.get("paths");
        assertTrue(paths.get("/v1/health") != null, "documents /v1/health");
        assertTrue(paths.get("/v1/openapi.json") != null, "documents /v1/openapi.json");
        assertTrue(paths.get("/ping") != null && paths.get("/metrics") != null);
        assertEquals(null, paths.get("/health"), "the legacy /health alias is left out");
        assertEquals(null, paths.get("/openapi.json"), "the legacy /openapi.json alias is left out");
        assertEquals(null, paths.get("/contract/echo"), "test fixtures are hidden");
    }

    @Test
    void docs_thenSwaggerUiPageAndItsAssets() {
        ContractResponse page = send(ContractRequest.get("/v1/docs"));
        assertEquals(200, page.status());
        assertEquals("text/html", page.mediaType());
        assertTrue(page.text().contains("/v1/openapi.json"));
        ContractResponse bundle = send(ContractRequest.get("/v1/docs/swagger-ui-bundle.js"));
        assertEquals(200, bundle.status());
        assertTrue(bundle.body().length > 100_000, "the whole Swagger UI bundle is served");
        ContractResponse missing = send(ContractRequest.get("/v1/docs/secrets.txt"));
        assertEnvelope(missing, 404, "not_found");
    }

    static Stream<Arguments> everyKindOfResponse() {
        return Stream.of(
            Arguments.of("success", ContractRequest.get("/ping")),
            Arguments.of("unknown route", ContractRequest.get("/no/such/route")),
            Arguments.of("wrong method", ContractRequest.of("DELETE", "/v1/health")),
            Arguments.of("server error", ContractRequest.get("/contract/boom")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfResponse")
    void everyResponse_thenStampedWithApiVersionAndRequestId(String kind, ContractRequest request) {
        ContractResponse response = send(request);
        assertEquals("v1", response.header("X-API-Version").orElse(null), kind);
        assertTrue(response.header("X-Request-ID").orElse("").matches(UUID_PATTERN), kind);
    }

    @ParameterizedTest(name = "accepted: {0}")
    @ValueSource(strings = {"a", "abc-DEF_123.xyz", "0123456789012345678901234567890123456789012345678901234567890123"
        + "4567890123456789012345678901234567890123456789012345678901234567"})
    void acceptableIncomingRequestId_thenEchoed(String id) {
        ContractResponse response = send(ContractRequest.get("/ping").header("X-Request-ID", id));
        assertEquals(id, response.header("X-Request-ID").orElse(null));
    }

    @ParameterizedTest(name = "replaced: [{0}]")
    @ValueSource(strings = {"has space", "semi;colon", "<script>", "ünïcode", "slash/inside",
        "01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"})
    void unacceptableIncomingRequestId_thenReplacedByUuid(String id) {
        ContractResponse response = send(ContractRequest.get("/no/such/route").header("X-Request-ID", id));
        String echoed = response.header("X-Request-ID").orElseThrow();
        assertNotEquals(id, echoed);
        assertTrue(echoed.matches(UUID_PATTERN), echoed);
        assertEquals(echoed, response.json().get("error").get("request_id").getStringValue());
    }

    @Test
    void unknownRoute_then404Envelope() {
        ContractResponse response = send(ContractRequest.get("/no/such/route").header("X-Request-ID", "req-404"));
        JsonNode error = assertEnvelope(response, 404, "not_found");
        assertEquals("req-404", error.get("request_id").getStringValue());
        assertEquals("/no/such/route", error.get("details").get("path").getStringValue());
    }

    @Test
    void wrongMethod_then405EnvelopeWithAllowedMethods() {
        ContractResponse response = send(ContractRequest.of("POST", "/ping").body("application/json", "{}"));
        JsonNode error = assertEnvelope(response, 405, "method_not_allowed");
        List<String> allowed = new ArrayList<>();
        error.get("details").get("allowed_methods").values().forEach(v -> allowed.add(v.getStringValue()));
        assertTrue(allowed.contains("GET"), allowed.toString());
        assertTrue(response.header("Allow").orElse("").contains("GET"));
    }

    @Test
    void unsupportedMediaType_then415Envelope() {
        ContractResponse response = send(ContractRequest.of("POST", "/contract/json").body("text/plain", "name=x"));
        JsonNode error = assertEnvelope(response, 415, "unsupported_media_type");
        assertEquals("text/plain", error.get("details").get("content_type").getStringValue());
    }

    @Test
    void malformedJson_then400Envelope() {
        ContractResponse response = send(ContractRequest.of("POST", "/contract/json").body("application/json", "{\"name\": \"x\", "));
        assertEnvelope(response, 400, "invalid_json");
    }

    @Test
    void wellFormedJson_thenBodyRoundTripsInUtf8() {
        ContractResponse response = send(ContractRequest.of("POST", "/contract/json")
            .body("application/json", "{\"name\":\"Grüße ✓\",\"count\":41}"));
        assertEquals(200, response.status(), response.text());
        assertEquals("Grüße ✓", response.json().get("name").getStringValue());
        assertEquals(42, response.json().get("count").getIntValue());
    }

    @Test
    void unexpectedFailure_then500EnvelopeWithoutInternals() {
        ContractResponse response = send(ContractRequest.get("/contract/boom"));
        assertEnvelope(response, 500, "internal_error");
        assertFalse(response.text().contains("hunter2"), response.text());
        assertFalse(response.text().contains("IllegalStateException"), response.text());
        assertFalse(response.text().contains("at io.gatehouse"), response.text());
    }

    @Test
    void gatewayException_thenItsStatusDetailsAndHeaders() {
        ContractResponse response = send(ContractRequest.get("/contract/forbidden"));
        JsonNode error = assertEnvelope(response, 403, "forbidden");
        assertEquals("alpha", error.get("details").get("project").getStringValue());
        assertEquals("projects", response.header("X-Policy").orElse(null));
    }

    @Test
    void repeatedQueryParameter_thenEveryValueInOrder() {
        JsonNode query = echo(ContractRequest.get("/contract/echo?a=1&a=2&b=3")).get("query");
        assertEquals(List.of("1", "2"), strings(query.get("a")));
        assertEquals(List.of("3"), strings(query.get("b")));
    }

    @Test
    void commaInQueryValue_thenOneValue() {
        JsonNode query = echo(ContractRequest.get("/contract/echo?tags=a,b")).get("query");
        assertEquals(List.of("a,b"), strings(query.get("tags")));
    }

    @Test
    void percentEncodedQuery_thenDecodedOnce() {
        JsonNode query = echo(ContractRequest.get("/contract/echo?q=hello%20world&amp=%26&plus=1%2B1")).get("query");
        assertEquals(List.of("hello world"), strings(query.get("q")));
        assertEquals(List.of("&"), strings(query.get("amp")));
        assertEquals(List.of("1+1"), strings(query.get("plus")));
    }

    @Test
    void severalRequestCookies_thenEverySeen() {
        JsonNode cookies = echo(ContractRequest.get("/contract/echo").cookie("session=abc").cookie("theme=dark")
            .cookie("lang=en")).get("cookies");
        assertEquals("abc", cookies.get("session").getStringValue());
        assertEquals("dark", cookies.get("theme").getStringValue());
        assertEquals("en", cookies.get("lang").getStringValue());
    }

    @Test
    void repeatedRequestHeader_thenEveryValue() {
        JsonNode headers = echo(ContractRequest.get("/contract/echo").header("X-Echo-Tag", "one").header("X-Echo-Tag", "two"))
            .get("headers");
        assertEquals(List.of("one", "two"), splitValues(headers.get("x-echo-tag")));
    }

    @Test
    void severalSetCookies_thenEveryOneReachesTheClient() {
        ContractResponse response = send(ContractRequest.get("/contract/cookies?n=3"));
        assertEquals(200, response.status());
        List<String> names = response.setCookies().stream().map(c -> c.substring(0, c.indexOf('='))).sorted().toList();
        assertEquals(List.of("c1", "c2", "c3"), names, response.setCookies().toString());
        assertTrue(response.setCookies().stream().allMatch(c -> c.toLowerCase(java.util.Locale.ROOT).contains("httponly")), response.setCookies().toString());
    }

    @Test
    void binaryRequestBody_thenEveryByteArrives() {
        byte[] bytes = ContractFixtures.allBytes();
        JsonNode echo = echo(ContractRequest.of("POST", "/contract/echo").body("application/octet-stream", bytes));
        assertEquals(256, echo.get("body_length").getIntValue());
        assertArrayEquals(bytes, Base64.getDecoder().decode(echo.get("body_base64").getStringValue()));
    }

    @Test
    void binaryResponseBody_thenEveryByteArrives() {
        ContractResponse response = send(ContractRequest.get("/contract/bytes"));
        assertEquals(200, response.status());
        assertEquals("image/png", response.mediaType());
        assertArrayEquals(ContractFixtures.allBytes(), response.body());
    }

    @Test
    void path_thenSeenWithoutStageOrBasePath() {
        assertEquals("/contract/echo", echo(ContractRequest.get("/contract/echo")).get("path").getStringValue());
    }

    /**
     * Asserts the response is the envelope with this status and code, and returns its error.
     *
     * @param response the response
     * @param status   the expected status
     * @param code     the expected code
     * @return the {@code error} object
     */
    protected static JsonNode assertEnvelope(ContractResponse response, int status, String code) {
        assertEquals(status, response.status(), response.text());
        assertEquals("application/json", response.mediaType(), response.text());
        JsonNode error = response.json().get("error");
        assertEquals(code, error.get("code").getStringValue());
        assertFalse(error.get("message").getStringValue().isBlank());
        assertTrue(error.get("details").isObject());
        assertEquals(response.header("X-Request-ID").orElseThrow(), error.get("request_id").getStringValue());
        Instant timestamp = Instant.from(DateTimeFormatter.ISO_INSTANT.parse(error.get("timestamp").getStringValue()));
        assertTrue(Math.abs(Instant.now().getEpochSecond() - timestamp.getEpochSecond()) < 300);
        return error;
    }

    private JsonNode echo(ContractRequest request) {
        ContractResponse response = send(request);
        assertEquals(200, response.status(), response.text());
        return response.json();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(v -> out.add(v.getStringValue()));
        return out;
    }

    /** Payload 2.0 joins repeated headers with commas, as HTTP allows; split them back. */
    private static List<String> splitValues(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(v -> {
            for (String part : v.getStringValue().split(",")) {
                out.add(part.trim());
            }
        });
        return out;
    }
}
