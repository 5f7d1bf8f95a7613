package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's {@code validate}, the same on Netty (the buffered engine for body schemas, the
 * streaming engine for query and header schemas) and both Lambda payloads, against a real
 * {@link EchoUpstream} on loopback that counts and describes what it received: a body schema read
 * from a JSON file and one from a YAML file beside the route file, inline query and header
 * schemas. A valid request reaches the upstream unchanged; an invalid one is answered 400
 * {@code validation_failed} naming each field (a JSON pointer) and rule, a body that is not JSON
 * 415, malformed JSON 400 {@code invalid_json}, and the upstream receives nothing.
 */
public abstract class RequestValidationContractTest extends ContractTestBase {

    private static final String ORDER_SCHEMA = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "required": ["sku", "qty"],
          "properties": {
            "sku": { "type": "string", "pattern": "^[a-z]+-[0-9]+$" },
            "qty": { "type": "integer", "minimum": 1 },
            "lines": { "type": "array", "items": { "$ref": "#/$defs/line" } }
          },
          "additionalProperties": false,
          "$defs": {
            "line": { "type": "object", "required": ["note"], "properties": { "note": { "type": "string", "maxLength": 10 } } }
          }
        }
        """;

    private static final String CUSTOMER_SCHEMA = """
        type: object
        required: [name]
        properties:
          name: { type: string, minLength: 2 }
        """;

    private final EchoUpstream upstream = EchoUpstream.start("validated");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", routesFile().toString());
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void validBody_thenForwardedAsSent() {
        int before = upstream.requests();
        String body = "{\"sku\":\"abc-12\",\"qty\":2,\"lines\":[{\"note\":\"gift\"}]}";
        ContractResponse response = send(ContractRequest.of("POST", "/v/orders").body("application/json", body));
        assertEquals(200, response.status(), response.text());
        assertEquals(body, response.json().get("body").getStringValue());
        assertEquals("/v/orders", response.json().get("path").getStringValue());
        assertEquals(before + 1, upstream.requests());
    }

    @Test
    void jsonWithParametersAndSuffix_thenAccepted() {
        assertEquals(200, send(ContractRequest.of("PUT", "/v/orders")
            .body("application/json; charset=utf-8", "{\"sku\":\"abc-1\",\"qty\":1}")).status());
        assertEquals(200, send(ContractRequest.of("PATCH", "/v/orders")
            .body("application/merge-patch+json", "{\"sku\":\"abc-1\",\"qty\":1}")).status());
    }

    @Test
    void invalidBody_then400NamingEveryFieldAndRuleAndNothingForwarded() {
        int before = upstream.requests();
        ContractResponse response = send(ContractRequest.of("POST", "/v/orders")
            .body("application/json", "{\"sku\":\"ABC\",\"qty\":0,\"extra\":true,\"lines\":[{\"note\":\"far too long a note\"},{}]}"));
        JsonNode error = assertEnvelope(response, 400, "validation_failed");
        List<String> violations = violations(error);
        for (String expected : List.of("body /sku pattern", "body /qty minimum", "body /extra additionalProperties",
            "body /lines/0/note maxLength", "body /lines/1/note required")) {
            assertTrue(violations.contains(expected), expected + " not in " + violations);
        }
        assertEquals(5, violations.size(), violations.toString());
        JsonNode first = error.get("details").get("violations").get(0);
        assertTrue(!first.get("message").getStringValue().isBlank(), response.text());
        assertEquals(before, upstream.requests(), "an invalid request never reaches the upstream");
    }

    @Test
    void missingRequiredField_thenTheFieldItselfIsNamed() {
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/orders").body("application/json", "{\"sku\":\"abc-1\"}")),
            400, "validation_failed");
        assertEquals(List.of("body /qty required"), violations(error));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "text/plain                        | sku=abc-1",
        "application/x-www-form-urlencoded | sku=abc-1&qty=1",
        "application/xml                   | <order/>"})
    void bodyThatIsNotJson_then415AndNothingForwarded(String contentType, String body) {
        int before = upstream.requests();
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/orders").body(contentType, body)),
            415, "unsupported_media_type");
        assertEquals(contentType, error.get("details").get("content_type").getStringValue());
        assertEquals("application/json", error.get("details").get("accepted_content_types").get(0).getStringValue());
        assertEquals(before, upstream.requests());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated     | {\"sku\":\"abc-1",
        "syntax        | {sku: abc}",
        "number_range  | {\"sku\":\"abc-1\",\"qty\":1e400}",
        "duplicate_key | {\"sku\":\"abc-1\",\"sku\":\"abc-2\",\"qty\":1}"})
    void malformedJson_then400InvalidJsonWithItsRuleAndNothingForwarded(String rule, String body) {
        int before = upstream.requests();
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/orders").body("application/json", body)),
            400, "invalid_json");
        assertEquals(rule, error.get("details").get("rule").getStringValue());
        assertEquals(before, upstream.requests());
    }

    @Test
    void postWithoutBody_then400BodyRequired() {
        int before = upstream.requests();
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/orders")), 400, "validation_failed");
        assertEquals(List.of("body  required"), violations(error));
        assertEquals(before, upstream.requests());
    }

    @Test
    void getWithoutBody_thenTheBodySchemaDoesNotApply() {
        assertEquals(200, send(ContractRequest.get("/v/orders")).status());
    }

    @Test
    void yamlSchemaFile_thenValidatedToo() {
        assertEquals(200, send(ContractRequest.of("POST", "/v/customers").body("application/json", "{\"name\":\"Ada\"}")).status());
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/customers").body("application/json", "{\"name\":\"A\"}")),
            400, "validation_failed");
        assertEquals(List.of("body /name minLength"), violations(error));
    }

    @ParameterizedTest(name = "?{0}")
    @CsvSource(delimiter = '|', value = {
        "limit=5&sort=asc  | ",
        "limit=100         | ",
        "limit=0           | query /limit minimum",
        "limit=abc         | query /limit type",
        "limit=5&sort=up   | query /sort enum",
        "sort=asc          | query /limit required",
        "limit=5&exact=yes | query /exact type"})
    void querySchema_thenParametersReadAsTextAndChecked(String query, String violation) {
        ContractResponse response = sendCounted(ContractRequest.get("/v/search?" + query), violation);
        if (violation == null) {
            assertEquals(query, response.json().get("query").getStringValue());
        }
    }

    @ParameterizedTest(name = "X-Tenant: {0}")
    @CsvSource(delimiter = '|', value = {
        "acme  | ",
        "ACME! | headers /x-tenant pattern",
        "      | headers /x-tenant required"})
    void headerSchema_thenHeadersMatchedByLowerCaseName(String tenant, String violation) {
        ContractRequest request = ContractRequest.get("/v/tenant/items");
        sendCounted(tenant == null ? request : request.header("X-Tenant", tenant), violation);
    }

    /**
     * Sends a request that either passes (forwarded once) or fails with exactly one violation
     * (forwarded never).
     */
    private ContractResponse sendCounted(ContractRequest request, String violation) {
        int before = upstream.requests();
        ContractResponse response = send(request);
        if (violation == null) {
            assertEquals(200, response.status(), response.text());
            assertEquals(before + 1, upstream.requests());
        } else {
            assertEquals(List.of(violation), violations(assertEnvelope(response, 400, "validation_failed")));
            assertEquals(before, upstream.requests());
        }
        return response;
    }

    @Test
    void queryAndBodyBothInvalid_thenEveryFailureInOneAnswer() {
        JsonNode error = assertEnvelope(send(ContractRequest.of("POST", "/v/orders?dry_run=maybe")
            .body("application/json", "{\"sku\":\"abc-1\"}")), 400, "validation_failed");
        assertEquals(List.of("query /dry_run type", "body /qty required"), violations(error));
        assertTrue(error.get("message").getStringValue().contains("2 problems"), error.toString());
    }

    /** Each violation as {@code "<in> <field> <rule>"}, in order. */
    private static List<String> violations(JsonNode error) {
        JsonNode list = error.get("details").get("violations");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            out.add(v.get("in").getStringValue() + " " + v.get("field").getStringValue() + " " + v.get("rule").getStringValue());
        }
        return out;
    }

    private Path routesFile() {
        String yaml = """
            upstreams:
              validated:
                targets: ["%s"]
            routes:
              - id: orders
                match: { path: /v/orders }
                upstream: validated
                validate:
                  body: schemas/order.json
                  query:
                    type: object
                    properties: { dry_run: { type: boolean } }
              - id: customers
                match: { path: /v/customers }
                upstream: validated
                validate: { body: schemas/customer.yaml }
              - id: search
                match: { path: /v/search, methods: [GET] }
                upstream: validated
                validate:
                  query:
                    type: object
                    required: [limit]
                    properties:
                      limit: { type: integer, minimum: 1, maximum: 100 }
                      sort: { enum: [asc, desc] }
                      exact: { type: boolean }
              - id: tenant
                match: { path: /v/tenant/** }
                upstream: validated
                validate:
                  headers:
                    type: object
                    required: [x-tenant]
                    properties:
                      x-tenant: { type: string, pattern: "^[a-z]+$" }
            """.formatted(upstream.url());
        try {
            Path dir = Files.createTempDirectory("gatehouse-validation-contract");
            Files.createDirectories(dir.resolve("schemas"));
            Files.writeString(dir.resolve("schemas/order.json"), ORDER_SCHEMA);
            Files.writeString(dir.resolve("schemas/customer.yaml"), CUSTOMER_SCHEMA);
            Path file = dir.resolve("gatehouse.yml");
            Files.writeString(file, yaml);
            // Deleted in the reverse order of registration: files before their directories.
            for (Path p : List.of(dir, dir.resolve("schemas"), dir.resolve("schemas/order.json"), dir.resolve("schemas/customer.yaml"), file)) {
                p.toFile().deleteOnExit();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
