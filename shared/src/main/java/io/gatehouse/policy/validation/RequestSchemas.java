package io.gatehouse.policy.validation;

import com.networknt.schema.Schema;
import io.gatehouse.config.ConfigNode;
import io.gatehouse.config.DefinitionProblem;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.core.annotation.Nullable;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A route's {@code validate}: the JSON Schemas (draft 2020-12) its requests must satisfy.
 * <pre>
 * validate:
 *   body: schemas/order.json            # a file beside the route file (JSON, or YAML by extension), or a schema inline
 *   query:                              # the query parameters as one JSON object: name to value (several values: an array)
 *     type: object
 *     properties: { limit: { type: integer, minimum: 1, maximum: 100 } }
 *   headers:                            # the headers as one JSON object, by lower-case name
 *     required: [x-tenant]
 * </pre>
 * Parameters and headers are text: a schema's {@code integer}, {@code number} and {@code boolean}
 * accept their text ({@code "5"}, {@code "true"}), and an {@code array} accepts a single value.
 * A {@code body} schema needs the whole body, so a {@code streaming} or {@code websocket} route
 * cannot have one.
 *
 * @param body    the body's schema, or {@code null}
 * @param query   the query parameters' schema, or {@code null}
 * @param headers the headers' schema, or {@code null}
 */
record RequestSchemas(@Nullable Schema body, @Nullable Schema query, @Nullable Schema headers) {

    /** The route key. */
    static final String KEY = "validate";

    /** Nothing to validate. */
    static final RequestSchemas NONE = new RequestSchemas(null, null, null);

    /**
     * @return whether nothing is validated
     */
    boolean isEmpty() {
        return body == null && query == null && headers == null;
    }

    /**
     * Reads the schemas of a route that has already been validated (they are compiled already,
     * so this finds them by their content).
     *
     * @param route the route
     * @return its schemas
     */
    static RequestSchemas of(RouteDefinition route) {
        if (!route.policies().containsKey(KEY)) {
            return NONE;
        }
        List<DefinitionProblem> ignored = new ArrayList<>();
        return parse(ConfigNode.root(route.source(), route.policies(), ignored));
    }

    /**
     * Reads, checks and compiles a route's {@code validate}, recording every problem with its field path.
     *
     * @param route the route's node (or a map holding its policy keys); its source is the route file's path
     * @return the schemas read, unusable ones left out
     */
    static RequestSchemas parse(ConfigNode route) {
        ConfigNode node = route.get(KEY);
        if (node.isMissing()) {
            return NONE;
        }
        if (!(node.raw() instanceof Map<?, ?> map)) {
            node.problem("must be a map with body, query and headers");
            return NONE;
        }
        node.allowOnly("body", "query", "headers");
        if (map.isEmpty()) {
            node.problem("names nothing to validate: give body, query or headers");
        }
        Schema body = null;
        ConfigNode bodyNode = node.get("body");
        if (!bodyNode.isMissing()) {
            if (route.get("streaming").bool(false) || route.get("websocket").bool(false)) {
                bodyNode.problem("needs the whole request body, which a streaming or websocket route forwards as it arrives "
                    + "and never buffers: validate the body on a route without streaming and websocket");
            } else {
                body = JsonSchemas.load(bodyNode, node.source(), false);
            }
        }
        Schema query = load(node.get("query"), false);
        Schema headers = load(node.get("headers"), true);
        return new RequestSchemas(body, query, headers);
    }

    private static Schema load(ConfigNode node, boolean headers) {
        if (node.isMissing()) {
            return null;
        }
        Schema schema = JsonSchemas.load(node, node.source(), true);
        if (schema != null && headers && !lowerCaseNames(node, schema.getSchemaNode())) {
            return null;
        }
        return schema;
    }

    /** Headers reach the schema by lower-case name (HTTP names are case-insensitive): a schema naming {@code X-Tenant} would never match. */
    private static boolean lowerCaseNames(ConfigNode node, JsonNode schema) {
        List<String> names = new ArrayList<>();
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            names.addAll(properties.propertyNames());
        }
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            required.forEach(name -> names.add(name.asString()));
        }
        for (String name : names) {
            if (!name.equals(name.toLowerCase(Locale.ROOT))) {
                node.problem("names the header '" + name + "'; headers are matched by lower-case name: write '"
                    + name.toLowerCase(Locale.ROOT) + "'");
                return false;
            }
        }
        return true;
    }
}
