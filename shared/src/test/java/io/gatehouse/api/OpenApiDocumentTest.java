package io.gatehouse.api;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.gatehouse.contract.OpenApiDocument;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.security.session.SessionConfiguration;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.gatehouse.contract.OpenApiDocument.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Walks the OpenAPI document of this build and holds every operation to what Swagger UI needs to
 * be usable: a security requirement unless {@link OpenApiDocument#PUBLIC} names it, examples for
 * its parameters, bodies and answers, bodies whose schemas list their fields, the error envelope
 * (with an example) for its errors, references that resolve and examples that match their schemas.
 * Each test lists every offending operation, so one run shows all there is to fix.
 */
class OpenApiDocumentTest {

    private static final OpenApiDocument DOCUMENT = OpenApiDocument.generated();
    private static final String ENVELOPE = "#/components/schemas/ErrorEnvelope";
    private static final String OAUTH_ERROR = "#/components/schemas/OAuthError";
    private static final Pattern OPERATION_ID = Pattern.compile("[a-z][A-Za-z0-9]*");
    private static final Pattern GENERATED_ID = Pattern.compile(".*_\\d+");
    private static final Set<String> JSON_TYPES = Set.of("application/json", "application/x-www-form-urlencoded");

    /** Error answers whose body is not the envelope, and why. */
    private static final Map<String, String> NOT_ENVELOPES = Map.of(
        "GET /v1/health 503", "down is the health report, so that a probe's log says which check failed",
        "GET /v1/health/ready 503", "draining is the probe's report, with when the drain began");

    @Test
    void securitySchemes_thenBearerAdminTokenOAuth2SessionCookieAndApiKey() {
        Map<String, Object> schemes = map(map(DOCUMENT.tree().get("components")).get("securitySchemes"));
        assertEquals(Set.of(OpenApiRefs.ADMIN_TOKEN, OpenApiRefs.BEARER_JWT, OpenApiRefs.OAUTH2, OpenApiRefs.SESSION_COOKIE,
            OpenApiRefs.API_KEY), schemes.keySet());
        assertEquals(Map.of("type", "http", "scheme", "bearer"), without(schemes.get(OpenApiRefs.ADMIN_TOKEN), "description"));
        assertEquals(Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT"),
            without(schemes.get(OpenApiRefs.BEARER_JWT), "description"));
        assertEquals(Map.of("type", "oauth2", "flows", Map.of("clientCredentials", Map.of("tokenUrl", "/oauth/token", "scopes", Map.of()))),
            without(schemes.get(OpenApiRefs.OAUTH2), "description"));
        assertEquals(Map.of("type", "apiKey", "in", "cookie", "name", SessionConfiguration.DEFAULT_COOKIE_NAME),
            without(schemes.get(OpenApiRefs.SESSION_COOKIE), "description"));
        assertEquals(Map.of("type", "apiKey", "in", "header", "name", ApiKeyConfiguration.DEFAULT_HEADER),
            without(schemes.get(OpenApiRefs.API_KEY), "description"));
        schemes.forEach((name, scheme) -> assertTrue(map(scheme).get("description") instanceof String d && !d.isBlank(),
            name + " says what it is and where to get one"));
        assertEquals(null, DOCUMENT.tree().get("security"), "no document-wide requirement: an operation without one needs no credential");
    }

    @Test
    void publicAndOptionalLists_thenNameOperationsThatExist() {
        Set<String> operations = new HashSet<>();
        DOCUMENT.operations().forEach(o -> operations.add(o.key()));
        for (String key : union(OpenApiDocument.PUBLIC, OpenApiDocument.OPTIONAL_CREDENTIAL)) {
            assertTrue(operations.contains(key), key + " is listed in OpenApiDocument but not in the document");
        }
    }

    @Test
    void everyNonPublicOperation_thenSecurityRequirement() {
        Set<String> schemes = map(map(DOCUMENT.tree().get("components")).get("securitySchemes")).keySet();
        List<String> failures = new ArrayList<>();
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            Object security = operation.operation().get("security");
            boolean none = security == null || security instanceof List<?> list && list.isEmpty();
            if (OpenApiDocument.PUBLIC.contains(operation.key())) {
                if (!none) {
                    failures.add(operation.key() + " is public (OpenApiDocument.PUBLIC) but lists " + security);
                }
                continue;
            }
            if (none) {
                failures.add(operation.key() + " has no security requirement: give it one (@AdminOperation, @GlobalAdminOperation, "
                    + "@SecurityRequirement) or, if it needs no credential, add it to OpenApiDocument.PUBLIC");
                continue;
            }
            for (Object requirement : (List<?>) security) {
                Map<String, Object> names = map(requirement);
                if (names.isEmpty()) {
                    failures.add(operation.key() + " lists an empty requirement: list it in OpenApiDocument.PUBLIC or OPTIONAL_CREDENTIAL");
                }
                names.keySet().stream().filter(name -> !schemes.contains(name))
                    .forEach(name -> failures.add(operation.key() + " names the undeclared scheme " + name));
            }
            boolean admin = operation.path().startsWith("/admin/") || operation.path().startsWith("/v1/tokens");
            if (admin && ((List<?>) security).stream().noneMatch(r -> map(r).containsKey(OpenApiRefs.ADMIN_TOKEN))) {
                failures.add(operation.key() + " is an admin operation that does not take the admin token");
            }
            if (!OpenApiDocument.OPTIONAL_CREDENTIAL.contains(operation.key()) && !responses(operation).containsKey("401")) {
                failures.add(operation.key() + " needs a credential but documents no 401");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyOperation_thenUniqueChosenIdSummaryAndTag() {
        Set<String> ids = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            Object id = operation.operation().get("operationId");
            if (!(id instanceof String text) || !OPERATION_ID.matcher(text).matches() || GENERATED_ID.matcher(text).matches()) {
                failures.add(operation.key() + " has no chosen operationId (@Operation(operationId = \"verbNoun\")): " + id);
            } else if (!ids.add(text)) {
                failures.add(operation.key() + " repeats the operationId " + text);
            }
            if (!(operation.operation().get("summary") instanceof String summary) || summary.isBlank()) {
                failures.add(operation.key() + " has no summary");
            }
            if (!(operation.operation().get("tags") instanceof List<?> tags) || tags.isEmpty()) {
                failures.add(operation.key() + " has no tag");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyOperation_thenExamplesForParametersBodiesAndAnswers() {
        List<String> failures = new ArrayList<>();
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            String key = operation.key();
            for (Object parameter : (List<?>) operation.operation().getOrDefault("parameters", List.of())) {
                Map<String, Object> p = map(DOCUMENT.resolve(parameter));
                if (!hasExample(p)) {
                    failures.add(key + ": parameter " + p.get("name") + " has no example");
                }
            }
            Object body = operation.operation().get("requestBody");
            if (body != null) {
                Map<String, Object> content = map(map(DOCUMENT.resolve(body)).get("content"));
                if (content.isEmpty()) {
                    failures.add(key + ": the request body has no content");
                }
                content.forEach((type, media) -> {
                    if (!hasExample(map(media))) {
                        failures.add(key + ": the request body (" + type + ") has no example");
                    }
                });
            }
            boolean answered = false;
            for (Map.Entry<String, Object> entry : responses(operation).entrySet()) {
                Map<String, Object> response = map(DOCUMENT.resolve(entry.getValue()));
                int status = Integer.parseInt(entry.getKey());
                answered |= status < 400;
                Map<String, Object> content = map(response.get("content"));
                if (content.isEmpty() && status != 204 && status / 100 != 3) {
                    failures.add(key + ": answer " + status + " has no body; only 204 and redirects go without one");
                }
                content.forEach((type, media) -> {
                    if (!hasExample(map(media))) {
                        failures.add(key + ": answer " + status + " (" + type + ") has no example");
                    }
                });
                Map<String, Object> headers = map(response.get("headers"));
                if (status / 100 == 3 && !headers.containsKey("Location")) {
                    failures.add(key + ": redirect " + status + " does not document Location");
                }
                headers.forEach((name, header) -> {
                    if (!hasExample(map(DOCUMENT.resolve(header)))) {
                        failures.add(key + ": header " + name + " of answer " + status + " has no example");
                    }
                });
            }
            if (!answered) {
                failures.add(key + " documents no successful answer");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyErrorAnswer_thenEnvelopeSchemaWithExample() {
        List<String> failures = new ArrayList<>();
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            String expected = operation.path().equals("/oauth/token") ? OAUTH_ERROR : ENVELOPE;
            responses(operation).forEach((status, value) -> {
                if (Integer.parseInt(status) < 400 || NOT_ENVELOPES.containsKey(operation.key() + " " + status)) {
                    return;
                }
                Map<String, Object> content = map(map(DOCUMENT.resolve(value)).get("content"));
                Map<String, Object> json = map(content.get("application/json"));
                if (content.size() != 1 || !expected.equals(map(json.get("schema")).get("$ref"))) {
                    failures.add(operation.key() + ": answer " + status + " is not application/json with " + expected);
                } else if (!hasExample(json)) {
                    failures.add(operation.key() + ": answer " + status + " has no example");
                }
            });
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyBody_thenSchemaWithItsFields() {
        List<String> failures = new ArrayList<>();
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            Object body = operation.operation().get("requestBody");
            if (body != null) {
                map(map(DOCUMENT.resolve(body)).get("content")).forEach((type, media) ->
                    checkBody(operation.key() + " request (" + type + ")", type, map(media).get("schema"), failures));
            }
            responses(operation).forEach((status, response) -> map(map(DOCUMENT.resolve(response)).get("content")).forEach((type, media) ->
                checkBody(operation.key() + " answer " + status + " (" + type + ")", type, map(media).get("schema"), failures)));
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyReference_thenResolvesAndEveryComponentIsUsed() {
        Set<String> references = new HashSet<>();
        collectReferences(DOCUMENT.tree(), references);
        List<String> failures = new ArrayList<>();
        for (String reference : references) {
            try {
                DOCUMENT.pointer(reference);
            } catch (IllegalArgumentException e) {
                failures.add(e.getMessage());
            }
        }
        Map<String, Object> components = map(DOCUMENT.tree().get("components"));
        for (String kind : List.of("schemas", "responses", "examples", "headers")) {
            for (String name : map(components.get(kind)).keySet()) {
                String reference = "#/components/" + kind + "/" + name;
                if (!references.contains(reference)) {
                    failures.add(reference + " is defined but nothing refers to it");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyExample_thenMatchesItsSchema() {
        JsonMapper json = JsonMapper.builder().build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30(),
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
        ObjectNode root = json.valueToTree(DOCUMENT.tree());
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (OpenApiDocument.Operation operation : DOCUMENT.operations()) {
            List<Map.Entry<String, Object>> media = new ArrayList<>();
            Object body = operation.operation().get("requestBody");
            if (body != null) {
                map(map(DOCUMENT.resolve(body)).get("content")).forEach((type, m) -> media.add(Map.entry("request " + type, m)));
            }
            responses(operation).forEach((status, response) -> map(map(DOCUMENT.resolve(response)).get("content"))
                .forEach((type, m) -> media.add(Map.entry("answer " + status + " " + type, m))));
            for (Object parameter : (List<?>) operation.operation().getOrDefault("parameters", List.of())) {
                Map<String, Object> p = map(DOCUMENT.resolve(parameter));
                media.add(Map.entry("parameter " + p.get("name"), p));
            }
            for (Map.Entry<String, Object> entry : media) {
                Map<String, Object> m = map(entry.getValue());
                if (m.get("schema") == null) {
                    continue;
                }
                ObjectNode wrapper = root.deepCopy();
                wrapper.set("x-under-test", json.valueToTree(m.get("schema")));
                wrapper.put("$ref", "#/x-under-test");
                Schema schema = registry.getSchema(SchemaLocation.of("https://gatehouse.invalid/openapi.json"), wrapper);
                for (Map.Entry<String, Object> example : examples(m).entrySet()) {
                    checked++;
                    JsonNode instance = json.valueToTree(example.getValue());
                    schema.validate(instance).forEach(error -> failures.add(operation.key() + " " + entry.getKey() + " example "
                        + example.getKey() + ": " + error));
                }
            }
        }
        assertTrue(checked > 100, "examples were checked: " + checked);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * micronaut-openapi reads {@code shared/src/main/openapi} only when it generates the document,
     * and Maven compiles (and so generates) only when a Java source changed: a build that missed a
     * change of that file is caught here, not shipped.
     */
    @Test
    @SuppressWarnings("unchecked")
    void componentsFile_thenMergedAsWritten() throws IOException {
        Map<String, Object> written = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Files.readString(OpenApiDocument.repositoryFile("shared/src/main/openapi/components.yml")));
        Map<String, Object> merged = map(DOCUMENT.tree().get("components"));
        JsonMapper json = JsonMapper.builder().build();
        map(written.get("components")).forEach((kind, entries) -> map(entries).forEach((name, value) -> {
            List<String> differences = OpenApiDocument.differences(json.convertValue(value, Object.class), map(merged.get(kind)).get(name));
            assertTrue(differences.isEmpty(), "components." + kind + "." + name + " of components.yml is not what the build merged "
                + "(a stale build? run ./mvnw clean compile -pl shared, or bin/gatehouse openapi-snapshot): " + differences);
        }));
    }

    private static Map<String, Object> responses(OpenApiDocument.Operation operation) {
        return map(operation.operation().get("responses"));
    }

    /** {@code example}, or {@code examples} whose every entry resolves to a value. */
    private static boolean hasExample(Map<String, Object> node) {
        if (node.containsKey("example")) {
            return true;
        }
        Map<String, Object> examples = map(node.get("examples"));
        return !examples.isEmpty() && examples.values().stream().allMatch(e -> map(DOCUMENT.resolve(e)).containsKey("value"));
    }

    private static Map<String, Object> examples(Map<String, Object> node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node.containsKey("example")) {
            out.put("example", node.get("example"));
        }
        map(node.get("examples")).forEach((name, e) -> out.put(name, map(DOCUMENT.resolve(e)).get("value")));
        return out;
    }

    /**
     * A JSON or form body: an object with properties (or an array of such), whose nested objects
     * declare their properties or are maps; a value of several shapes says what it is.
     */
    private static void checkBody(String where, String type, Object schema, List<String> failures) {
        if (schema == null) {
            failures.add(where + " has no schema");
            return;
        }
        if (!JSON_TYPES.contains(type)) {
            if (!"string".equals(map(DOCUMENT.resolve(schema)).get("type"))) {
                failures.add(where + " is not JSON and not a string");
            }
            return;
        }
        checkSchema(where, schema, true, new HashSet<>(), failures);
    }

    private static void checkSchema(String where, Object node, boolean root, Set<String> seen, List<String> failures) {
        if (map(node).get("$ref") instanceof String ref && !seen.add(ref)) {
            return;
        }
        Map<String, Object> schema = map(DOCUMENT.resolve(node));
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            if (schema.get(combinator) instanceof List<?> members) {
                members.forEach(member -> checkSchema(where, member, root, seen, failures));
                return;
            }
        }
        Object type = schema.get("type");
        if ("array".equals(type)) {
            if (schema.get("items") == null) {
                failures.add(where + ": an array without items");
            } else {
                checkSchema(where + "[]", schema.get("items"), root, seen, failures);
            }
            return;
        }
        if (type == null && !root && !schema.containsKey("properties")) {
            if (!(schema.get("description") instanceof String d) || d.isBlank()) {
                failures.add(where + ": a value of any shape that does not say what it holds");
            }
            return;
        }
        if (type != null && !"object".equals(type)) {
            if (root) {
                failures.add(where + ": a JSON body that is a " + type + ", not an object");
            }
            return;
        }
        Map<String, Object> properties = map(schema.get("properties"));
        Object additional = schema.get("additionalProperties");
        if (properties.isEmpty() && (root || additional == null)) {
            failures.add(where + ": an object without its fields" + (root ? "" : " (or a map's value schema)"));
        }
        properties.forEach((name, property) -> checkSchema(where + "." + name, property, false, seen, failures));
        if (additional instanceof Map<?, ?> values && !values.isEmpty()) {
            checkSchema(where + ".*", additional, false, seen, failures);
        }
    }

    private static void collectReferences(Object node, Set<String> references) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("$ref") instanceof String ref) {
                references.add(ref);
            }
            m.values().forEach(value -> collectReferences(value, references));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectReferences(value, references));
        }
    }

    private static Map<String, Object> without(Object node, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(map(node));
        copy.remove(key);
        return copy;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
