package io.gatehouse.policy.validation;

import com.networknt.schema.Schema;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.Policy;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A route's {@code validate} ({@link Phase#VALIDATION}): the request's query parameters, headers
 * and JSON body checked against the route's JSON Schemas ({@link RequestSchemas}) before anything
 * reaches the upstream. A request that fails is answered 400 {@code validation_failed} with every
 * failure in {@code details.violations} ({@code in}: body, query or headers; {@code field}: a JSON
 * pointer; {@code rule}: the schema keyword; {@code message}); a body that is not JSON by its
 * {@code Content-Type} is refused 415 {@code unsupported_media_type}, one that does not parse 400
 * {@code invalid_json} as on every endpoint of the gateway. A route with a body schema needs the
 * body ({@link PolicyStep#needsRequestBody()}): the container serves it on its buffered engine.
 */
@Singleton
final class RequestValidationPolicy implements Policy {

    /** Methods whose requests must carry the body a route's schema describes. */
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    /** The most failures an answer lists. */
    static final int MAX_VIOLATIONS = 50;
    private static final int MAX_MESSAGE = 300;
    private static final Set<String> PROPERTY_KEYWORDS = Set.of("required", "dependentRequired", "additionalProperties",
        "unevaluatedProperties");
    private static final Logger LOG = LoggerFactory.getLogger(RequestValidationPolicy.class);

    private final JsonMapper json;

    RequestValidationPolicy(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Phase phase() {
        return Phase.VALIDATION;
    }

    @Override
    public @Nullable PolicyStep compile(@Nullable CompiledRoute route) {
        if (route == null || !route.definition().policies().containsKey(RequestSchemas.KEY)) {
            return null;
        }
        RequestSchemas schemas = RequestSchemas.of(route.definition());
        if (schemas.isEmpty()) {
            // Validated at load moments ago; only a schema file removed since then gets here.
            LOG.error("The schemas of route {} could not be loaded again; its requests are refused until the next reload",
                route.id());
            return new Unavailable();
        }
        return new Step(schemas, json);
    }

    /** The schemas of one route. */
    private record Step(RequestSchemas schemas, JsonMapper json) implements PolicyStep {

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RequestView request = exchange.request();
            JsonNode body = schemas.body() == null ? null : body(exchange);
            List<Map<String, Object>> violations = new ArrayList<>();
            int[] total = new int[1];
            if (schemas.query() != null) {
                check(schemas.query(), parameters(request.queryParameters()), "query", violations, total);
            }
            if (schemas.headers() != null) {
                check(schemas.headers(), parameters(request.headerValues()), "headers", violations, total);
            }
            if (body != null) {
                check(schemas.body(), body, "body", violations, total);
            } else if (schemas.body() != null && BODY_METHODS.contains(request.method())) {
                total[0]++;
                violations.add(violation("body", "", "required", "A JSON body is required."));
            }
            if (violations.isEmpty()) {
                return PolicyResult.PROCEED_STAGE;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("violations", violations);
            if (total[0] > violations.size()) {
                details.put("violations_total", total[0]);
            }
            throw new GatewayException(ErrorCode.VALIDATION_FAILED, total[0] == 1
                ? "The request is not valid: " + violations.getFirst().get("message")
                : "The request is not valid: " + total[0] + " problems, listed in details.violations.", details, Map.of());
        }

        @Override
        public boolean needsRequestBody() {
            return schemas.body() != null;
        }

        /** The body as JSON, {@code null} when there is none; refused when it is not JSON. */
        private @Nullable JsonNode body(PolicyExchange exchange) {
            byte[] bytes = exchange.requestBody();
            if (bytes == null || bytes.length == 0) {
                return null;
            }
            String contentType = exchange.request().header("Content-Type");
            if (!isJson(contentType)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("content_type", contentType == null ? "none" : contentType);
                details.put("accepted_content_types", List.of("application/json"));
                throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, contentType == null
                    ? "The request body has no Content-Type; this route takes application/json."
                    : "Content type " + contentType + " is not accepted here; this route takes application/json.", details, Map.of());
            }
            io.micronaut.json.tree.JsonNode tree;
            try {
                tree = json.readValue(bytes, Argument.of(io.micronaut.json.tree.JsonNode.class));
            } catch (IOException | RuntimeException e) {
                throw GatewayException.invalidJson(e);
            }
            return tree == null ? null : JsonSchemas.tree(tree);
        }
    }

    /** A route whose schemas are gone: refused, never forwarded unchecked. */
    private static final class Unavailable implements PolicyStep {
        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            throw new GatewayException(ErrorCode.INTERNAL_ERROR, "The gateway failed to handle the request.");
        }
    }

    /**
     * @param contentType a {@code Content-Type}, or {@code null}
     * @return whether it is JSON: {@code application/json} or a {@code +json} type, any parameters
     */
    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    private static ObjectNode parameters(Map<String, List<String>> values) {
        ObjectNode object = JsonSchemas.object();
        values.forEach((name, list) -> {
            if (!list.isEmpty()) {
                object.set(name, JsonSchemas.text(list));
            }
        });
        return object;
    }

    private static void check(Schema schema, JsonNode instance, String in, List<Map<String, Object>> violations, int[] total) {
        for (com.networknt.schema.Error error : JsonSchemas.validate(schema, instance)) {
            total[0]++;
            if (violations.size() >= MAX_VIOLATIONS) {
                continue;
            }
            String field = error.getInstanceLocation().toString();
            if (error.getProperty() != null && PROPERTY_KEYWORDS.contains(error.getKeyword())) {
                field = field + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
            }
            violations.add(violation(in, field, error.getKeyword(), error.getMessage()));
        }
    }

    private static Map<String, Object> violation(String in, String field, String rule, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("in", in);
        out.put("field", field);
        out.put("rule", rule);
        out.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
        return out;
    }
}
