package io.gatehouse.policy.validation;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.definition.DefinitionLoader;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.route.RouteDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route's {@code validate} at load: what is refused, with the field path, and that a schema
 * file is read again on every load.
 */
class RequestSchemasTest {

    @TempDir
    Path dir;

    @Test
    void schemaFilesInlineSchemasAndYaml_thenAccepted() throws IOException {
        write("schemas/order.json", "{\"type\":\"object\",\"required\":[\"sku\"],\"$defs\":{\"x\":{\"type\":\"string\"}},"
            + "\"properties\":{\"sku\":{\"$ref\":\"#/$defs/x\"}}}");
        write("schemas/customer.yml", "type: object\nproperties:\n  name: { type: string }\n");
        GatewayDefinition definition = load("""
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
                validate:
                  body: schemas/order.json
                  query: { type: object, properties: { limit: { type: integer } } }
                  headers: { required: [x-tenant] }
              - id: b
                match: { path: /b }
                upstream: svc
                validate: { body: schemas/customer.yml }
            """);
        RequestSchemas a = RequestSchemas.of(definition.routes().getFirst());
        assertNotNull(a.body());
        assertNotNull(a.query());
        assertNotNull(a.headers());
        assertNotNull(RequestSchemas.of(definition.routes().get(1)).body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "an unknown key             | { form: { type: object } }                       | routes[0].validate.form: unknown field (expected one of body, query, headers)",
        "nothing to validate        | {}                                               | routes[0].validate: names nothing to validate",
        "not a map                  | schemas/order.json                               | routes[0].validate: must be a map with body, query and headers",
        "a missing file             | { body: schemas/none.json }                      | routes[0].validate.body: schema file 'schemas/none.json' not found",
        "a file that is not JSON    | { body: broken.json }                            | routes[0].validate.body: schema file",
        "a schema that is invalid   | { body: { type: nonsense } }                     | routes[0].validate.body: is not a valid JSON Schema (draft 2020-12): /type:",
        "another draft              | { body: { $schema: 'http://json-schema.org/draft-07/schema' } } | routes[0].validate.body: names $schema",
        "a reference to a file      | { body: { $ref: other.json } }                   | routes[0].validate.body: refers to",
        "a reference to a URL       | { body: { $ref: 'http://127.0.0.1:9/s.json' } }  | routes[0].validate.body: refers to",
        "a dangling local reference | { body: { $ref: '#/$defs/none' } }               | routes[0].validate.body: has a $ref '#/$defs/none' that does not resolve",
        "an undeclared anchor       | { body: { $ref: '#line' } }                      | routes[0].validate.body: has a $ref '#line' to an anchor the schema does not declare",
        "a header in upper case     | { headers: { required: [X-Tenant] } }            | routes[0].validate.headers: names the header 'X-Tenant'",
        "a scalar schema            | { query: 5 }                                     | routes[0].validate.query: must be a JSON Schema (a map) or the path of a schema file"})
    void invalidValidate_thenRefusedNamingTheField(String name, String validate, String problem) throws IOException {
        write("broken.json", "{\"type\": ");
        DefinitionException refused = assertThrows(DefinitionException.class, () -> load("""
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
                validate: %s
            """.formatted(validate)));
        assertTrue(refused.problems().stream().anyMatch(p -> (p.path() + ": " + p.message()).startsWith(problem)),
            name + ": " + refused.getMessage());
    }

    @Test
    void bodySchemaOnStreamingOrWebSocketRoute_thenRefusedButQuerySchemaAccepted() {
        for (String kind : List.of("streaming", "websocket")) {
            DefinitionException refused = assertThrows(DefinitionException.class, () -> load("""
                routes:
                  - id: a
                    match: { path: /a }
                    upstream: svc
                    %s: true
                    validate: { body: { type: object } }
                """.formatted(kind)));
            DefinitionProblem problem = refused.problems().getFirst();
            assertEquals("routes[0].validate.body", problem.path());
            assertTrue(problem.message().contains("streaming or websocket route"), problem.message());
        }
        RouteDefinition route = load("""
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
                streaming: true
                validate: { query: { required: [limit] } }
            """).routes().getFirst();
        assertNotNull(RequestSchemas.of(route).query());
    }

    @Test
    void schemaFileFromASourceThatIsNoFile_thenRefusedAskingForAnInlineSchema() {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load("""
            upstreams: { svc: { targets: ["http://127.0.0.1:9"] } }
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
                validate: { body: schemas/order.json }
            """);
        DefinitionException refused = assertThrows(DefinitionException.class,
            () -> GatewayDefinition.of(List.of(new GatewayDefinition.Source(DefinitionLoader.APPLICATION_SOURCE, tree))));
        assertTrue(refused.problems().getFirst().message().contains("give the schema inline"), refused.getMessage());
    }

    @Test
    void schemaFileEditedBetweenLoads_thenTheNewSchemaApplies() throws IOException {
        String yaml = """
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
                validate: { body: order.json }
            """;
        write("order.json", "{\"type\":\"object\",\"required\":[\"sku\"]}");
        RequestSchemas before = RequestSchemas.of(load(yaml).routes().getFirst());
        write("order.json", "{\"type\":\"object\",\"required\":[\"qty\"]}");
        RequestSchemas after = RequestSchemas.of(load(yaml).routes().getFirst());
        var instance = JsonSchemas.tree(java.util.Map.of("sku", "a"));
        assertTrue(JsonSchemas.validate(before.body(), instance).isEmpty());
        assertEquals("required", JsonSchemas.validate(after.body(), instance).getFirst().getKeyword());
    }

    @Test
    void routeWithoutValidate_thenNoSchemas() {
        RouteDefinition route = load("""
            routes:
              - id: a
                match: { path: /a }
                upstream: svc
            """).routes().getFirst();
        assertNull(RequestSchemas.of(route).body());
        assertTrue(RequestSchemas.of(route).isEmpty());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"application/json,true", "application/json; charset=utf-8,true", "Application/JSON,true",
        "application/problem+json,true", "text/json,false", "text/plain,false", "application/jsonp,false", ",false"})
    void contentTypes_thenJsonRecognised(String contentType, boolean json) {
        assertEquals(json, RequestValidationPolicy.isJson(contentType));
    }

    private void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    /** Loads a route file written into the test's directory, as the gateway reads one. */
    private GatewayDefinition load(String routes) {
        String yaml = "upstreams: { svc: { targets: [\"http://127.0.0.1:9\"] } }\n" + routes;
        Path file = dir.resolve("gatehouse.yml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source(file.toAbsolutePath().normalize().toString(), tree)));
    }
}
