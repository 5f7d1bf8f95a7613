package io.gatehouse.policy.validation;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.gatehouse.config.ConfigNode;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.core.annotation.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and compiles the JSON Schemas a route's {@code validate} names, with networknt's
 * json-schema-validator on draft 2020-12: a schema given inline, or a file (JSON, or YAML by its
 * extension) resolved against the route file's directory. A schema is checked against the draft's
 * meta-schema (bundled with the library) before it is compiled, and must be one document: a
 * {@code $ref} reaches inside it ({@code #/$defs/...}) and nothing is ever fetched, at load or
 * at request time.
 *
 * <p>The route validator compiles every schema when a definition loads, and the policy compiles
 * its routes' schemas when the table comes into force, moments later: a schema is compiled once
 * and kept by its content, so the second is a look-up.
 */
final class JsonSchemas {

    /** The only dialect accepted, as a schema's {@code $schema} names it. */
    static final String DIALECT = SpecificationVersion.DRAFT_2020_12.getDialectId();

    private static final int CACHE_SIZE = 256;
    private static final int MAX_PROBLEMS = 5;

    /** Bodies: JSON types as sent. */
    private static final SchemaRegistry STRICT = registry(false);
    /**
     * Query parameters and headers are text: {@code "5"} may be an {@code integer}, {@code "true"} a
     * {@code boolean}, and a single value an {@code array} of one.
     */
    private static final SchemaRegistry LOOSE = registry(true);
    private static final Schema META = STRICT.getSchema(SchemaLocation.of(DIALECT));
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Compiled schemas by what they were compiled from; the eldest goes first past {@link #CACHE_SIZE}. */
    private static final Map<String, Schema> COMPILED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schema> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private JsonSchemas() {
    }

    private static SchemaRegistry registry(boolean typeLoose) {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
            .typeLoose(typeLoose)
            // Every $ref resolved when the schema is compiled, so a dangling one is refused at load.
            .preloadSchema(true)
            .cacheRefs(true)
            .pathType(PathType.JSON_POINTER)
            .locale(Locale.ROOT)
            .build();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            // No document is looked up by its IRI: a schema file edited between two loads is read anew.
            builder -> builder.schemaRegistryConfig(config).schemaCacheEnabled(false)
                .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * Reads and compiles the schema a {@code validate} entry names, recording every problem on its node.
     *
     * @param node     the entry: a file path, or an inline schema (a map)
     * @param source   where the route was defined: a route file's path, or another source's name
     * @param loose    whether instances are text (query parameters, headers)
     * @return the compiled schema, or {@code null} when unusable
     */
    static @Nullable Schema load(ConfigNode node, String source, boolean loose) {
        JsonNode tree;
        SchemaLocation location;
        if (node.raw() instanceof Map<?, ?> inline) {
            tree = tree(inline);
            // Named by its content: the same schema wherever it is read from (the validator, the policy).
            location = SchemaLocation.of("urn:gatehouse:schema:" + digest(tree.toString()));
        } else if (node.raw() instanceof String) {
            Path file = file(node, source);
            if (file == null) {
                return null;
            }
            tree = read(node, file);
            location = SchemaLocation.of(file.toUri().toString());
        } else {
            node.problem("must be a JSON Schema (a map) or the path of a schema file");
            return null;
        }
        if (tree == null || !check(node, tree) || !references(node, tree)) {
            return null;
        }
        String key = (loose ? "loose " : "strict ") + location + " " + tree;
        synchronized (COMPILED) {
            Schema cached = COMPILED.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Schema schema;
        try {
            schema = (loose ? LOOSE : STRICT).getSchema(location, tree);
        } catch (RuntimeException e) {
            node.problem("is not a usable JSON Schema: " + e.getMessage());
            return null;
        }
        synchronized (COMPILED) {
            COMPILED.put(key, schema);
        }
        return schema;
    }

    /** A route file's schema: relative to the file's directory; other sources give their schemas inline. */
    private static @Nullable Path file(ConfigNode node, String source) {
        String name = (String) node.raw();
        Path base;
        try {
            Path sourcePath = Path.of(source);
            base = sourcePath.isAbsolute() && Files.isRegularFile(sourcePath) ? sourcePath.getParent() : null;
        } catch (InvalidPathException e) {
            base = null;
        }
        if (base == null) {
            node.problem("names the schema file '" + name + "', but this route comes from " + source
                + ", not a route file: give the schema inline (a map)");
            return null;
        }
        try {
            Path file = base.resolve(name).normalize();
            if (!Files.isRegularFile(file)) {
                node.problem("schema file '" + name + "' not found (looked for " + file + ")");
                return null;
            }
            return file;
        } catch (InvalidPathException e) {
            node.problem("'" + name + "' is not a file path");
            return null;
        }
    }

    private static @Nullable JsonNode read(ConfigNode node, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            String text = Files.readString(file);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
                if (!(yaml instanceof Map<?, ?> map)) {
                    node.problem("schema file " + file + " must hold a map (a JSON Schema object)");
                    return null;
                }
                return tree(map);
            }
            return JSON.readTree(text);
        } catch (IOException e) {
            node.problem("schema file " + file + " cannot be read: " + e.getMessage());
        } catch (YAMLException e) {
            node.problem("schema file " + file + " is not valid YAML: " + e.getMessage());
        } catch (JacksonException e) {
            node.problem("schema file " + file + " is not valid JSON: " + e.getOriginalMessage()
                + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        return null;
    }

    /** The dialect, and the schema against the draft's meta-schema. */
    private static boolean check(ConfigNode node, JsonNode tree) {
        if (!tree.isObject()) {
            node.problem("must be a JSON Schema object");
            return false;
        }
        JsonNode dialect = tree.get("$schema");
        if (dialect != null && !(dialect.isString() && DIALECT.equals(dialect.asString().replaceAll("#$", "")))) {
            node.problem("names $schema " + dialect + "; request validation uses draft 2020-12 (" + DIALECT + ")");
            return false;
        }
        List<com.networknt.schema.Error> errors = META.validate(tree);
        if (errors.isEmpty()) {
            return true;
        }
        Set<String> found = new LinkedHashSet<>();
        for (com.networknt.schema.Error error : errors) {
            String at = error.getInstanceLocation().toString();
            found.add((at.isEmpty() ? "(root)" : at) + ": " + error.getMessage());
        }
        List<String> shown = found.stream().limit(MAX_PROBLEMS).toList();
        node.problem("is not a valid JSON Schema (draft 2020-12): " + String.join("; ", shown)
            + (found.size() > shown.size() ? "; and " + (found.size() - shown.size()) + " more" : ""));
        return false;
    }

    /** Keywords whose values are data, not schemas: a {@code $ref} inside them is not a reference. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "default", "examples");

    /**
     * Every {@code $ref} and {@code $dynamicRef} of the schema must point inside it: a JSON pointer
     * ({@code #/$defs/line}) to a place that exists, or an anchor ({@code #line}) it declares. The
     * validator resolves references only when an instance reaches them, so a dangling one would
     * otherwise fail a request, not the load.
     */
    private static boolean references(ConfigNode node, JsonNode tree) {
        Set<String> anchors = new LinkedHashSet<>();
        List<String> references = new ArrayList<>();
        collect(tree, anchors, references);
        for (String reference : references) {
            String why = null;
            if (!reference.startsWith("#")) {
                why = "refers to '" + reference + "', outside the schema: a schema is one document "
                    + "(put shared parts under $defs and refer to them with #/$defs/<name>)";
            } else if (reference.length() > 1 && reference.charAt(1) != '/' && !anchors.contains(reference.substring(1))) {
                why = "has a $ref '" + reference + "' to an anchor the schema does not declare";
            } else if (reference.length() > 1 && reference.charAt(1) == '/' && pointed(tree, reference.substring(1)).isMissingNode()) {
                why = "has a $ref '" + reference + "' that does not resolve inside the schema";
            }
            if (why != null) {
                node.problem(why);
                return false;
            }
        }
        return true;
    }

    private static void collect(JsonNode schema, Set<String> anchors, List<String> references) {
        if (schema.isArray()) {
            schema.forEach(element -> collect(element, anchors, references));
            return;
        }
        if (!schema.isObject()) {
            return;
        }
        for (String name : schema.propertyNames()) {
            JsonNode value = schema.get(name);
            if ((name.equals("$ref") || name.equals("$dynamicRef")) && value.isString()) {
                references.add(value.asString());
            } else if ((name.equals("$anchor") || name.equals("$dynamicAnchor")) && value.isString()) {
                anchors.add(value.asString());
            } else if (!DATA_KEYWORDS.contains(name)) {
                collect(value, anchors, references);
            }
        }
    }

    private static JsonNode pointed(JsonNode tree, String pointer) {
        try {
            return tree.at(URLDecoder.decode(pointer.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return MissingNode.getInstance();
        }
    }

    /**
     * @param value a parsed YAML or JSON value (maps, lists, scalars)
     * @return it as a JSON tree
     */
    static JsonNode tree(@Nullable Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                map.forEach((k, v) -> object.set(String.valueOf(k), tree(v)));
                yield object;
            }
            case List<?> list -> {
                ArrayNode array = NODES.arrayNode(list.size());
                list.forEach(v -> array.add(tree(v)));
                yield array;
            }
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i.intValue());
            case Long l -> NODES.numberNode(l.longValue());
            case BigInteger i -> NODES.numberNode(i);
            case BigDecimal d -> NODES.numberNode(d);
            case Number n -> NODES.numberNode(n.doubleValue());
            default -> NODES.stringNode(String.valueOf(value));
        };
    }

    /**
     * @param value a JSON value as Micronaut read it
     * @return it as a JSON tree the validator reads
     */
    static JsonNode tree(io.micronaut.json.tree.JsonNode value) {
        if (value.isObject()) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<String, io.micronaut.json.tree.JsonNode> entry : value.entries()) {
                object.set(entry.getKey(), tree(entry.getValue()));
            }
            return object;
        }
        if (value.isArray()) {
            ArrayNode array = NODES.arrayNode(value.size());
            for (io.micronaut.json.tree.JsonNode element : value.values()) {
                array.add(tree(element));
            }
            return array;
        }
        if (value.isString()) {
            return NODES.stringNode(value.getStringValue());
        }
        if (value.isBoolean()) {
            return NODES.booleanNode(value.getBooleanValue());
        }
        if (value.isNumber()) {
            Number number = value.getNumberValue();
            if (number instanceof Double d && !Double.isFinite(d) || number instanceof Float f && !Float.isFinite(f)) {
                // 1e400 reads as infinity: no schema could judge it, and no upstream would read it back.
                throw new GatewayException(ErrorCode.INVALID_JSON, "A number in the JSON body is out of the range its field allows.",
                    Map.of("rule", "number_range"), Map.of());
            }
            return tree(number);
        }
        return NODES.nullNode();
    }

    /**
     * @param schema   a compiled schema
     * @param instance what to validate
     * @return the failures, in the validator's order
     */
    static List<com.networknt.schema.Error> validate(Schema schema, JsonNode instance) {
        return schema.validate(instance);
    }

    /**
     * @return a new empty JSON object, for query parameters and headers
     */
    static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * @param values one parameter's or header's values
     * @return one value as a string, several as an array of strings
     */
    static JsonNode text(List<String> values) {
        if (values.size() == 1) {
            return NODES.stringNode(values.getFirst());
        }
        ArrayNode array = NODES.arrayNode(values.size());
        values.forEach(array::add);
        return array;
    }
}
