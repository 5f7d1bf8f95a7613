package io.gatehouse.contract;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's OpenAPI document as the tests read it: the one micronaut-openapi generated into
 * this build ({@link #GENERATED}), and its committed snapshot ({@link #SNAPSHOT}, which
 * {@code bin/gatehouse openapi-snapshot} rewrites), with the classification of the operations that
 * need no credential or take an optional one. Shared by {@code OpenApiDocumentTest}, {@code OpenApiSnapshotTest} and
 * {@link OpenApiContractTest}.
 *
 * @param tree the parsed document
 */
public record OpenApiDocument(Map<String, Object> tree) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where micronaut-openapi writes the document, on the classpath. */
    public static final String GENERATED = "META-INF/swagger/gatehouse-v1.json";

    /** The committed snapshot, relative to the repository's root. */
    public static final String SNAPSHOT = "docs/openapi/gatehouse-v1.json";

    /** The system property that makes {@code OpenApiSnapshotTest} write the snapshot instead of comparing. */
    public static final String UPDATE_PROPERTY = "openapi.snapshot.update";

    /** How to rewrite the snapshot, for failure messages. */
    public static final String UPDATE_HINT = "If the change is intended, run bin/gatehouse openapi-snapshot (it rebuilds shared "
        + "and runs OpenApiSnapshotTest with -D" + UPDATE_PROPERTY + "=true, which writes " + SNAPSHOT + ") and commit the "
        + "snapshot with the change.";

    /**
     * The operations that need no credential: they must list no security requirement. Every other
     * operation must list at least one, so a new endpoint is classified here or given its
     * requirement (see docs/api.md, "Documenting an endpoint").
     */
    public static final Set<String> PUBLIC = Set.of(
        "GET /v1/health",
        "GET /v1/health/ready",
        "GET /v1/health/live",
        "GET /ping",
        "GET /metrics",
        "GET /v1/openapi.json",
        "POST /oauth/token",
        "GET /v1/auth/providers",
        "GET /v1/auth/login/{provider}",
        "GET /v1/auth/callback/{provider}");

    /**
     * The operations whose credential is optional: they list the schemes they honour, but answer
     * without one too ({@code /v1/services} lists global objects; a logout without a session ends
     * none). Every other operation that lists a requirement refuses a request without credential.
     */
    public static final Set<String> OPTIONAL_CREDENTIAL = Set.of(
        "GET /v1/services",
        "POST /v1/auth/logout",
        "GET /v1/auth/logout");

    /**
     * One operation.
     *
     * @param method    its method, upper case
     * @param path      its path template
     * @param operation the operation object
     */
    public record Operation(String method, String path, Map<String, Object> operation) {

        /**
         * @return {@code METHOD /path}, as {@link #PUBLIC} names operations
         */
        public String key() {
            return method + " " + path;
        }
    }

    /**
     * @return the document of this build
     */
    public static OpenApiDocument generated() {
        return new OpenApiDocument(parse(generatedText()));
    }

    /**
     * @return the document of this build, as micronaut-openapi wrote it
     */
    public static String generatedText() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(GENERATED)) {
            if (in == null) {
                throw new IllegalStateException(GENERATED + " is not on the classpath: is micronaut-openapi's annotation processor on?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the committed snapshot
     */
    public static OpenApiDocument snapshot() {
        return new OpenApiDocument(parse(snapshotText()));
    }

    /**
     * @return the committed snapshot's text
     */
    public static String snapshotText() {
        try {
            return Files.readString(repositoryFile(SNAPSHOT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param relative a path relative to the repository's root
     * @return the file, found from the working directory (a module's) upwards
     */
    public static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(relative);
            if (Files.exists(file)) {
                return file;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * @param json an OpenAPI document as JSON
     * @return its tree: objects as maps in the document's order, arrays as lists
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String json) {
        return JSON.readValue(json, LinkedHashMap.class);
    }

    /**
     * @param value a node of a document
     * @return it as JSON
     */
    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /**
     * @param tree a document's tree
     * @return it as indented JSON, the snapshot's format
     */
    public static String print(Map<String, Object> tree) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
    }

    /**
     * @param expected a document (or any node of one)
     * @param actual   another
     * @return where they differ, as JSON pointers with what each holds there; empty when they are equal
     */
    public static List<String> differences(Object expected, Object actual) {
        List<String> out = new ArrayList<>();
        differences("", expected, actual, out);
        return out;
    }

    private static void differences(String pointer, Object expected, Object actual, List<String> out) {
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            for (Object key : e.keySet()) {
                String at = pointer + "/" + String.valueOf(key).replace("~", "~0").replace("/", "~1");
                if (!a.containsKey(key)) {
                    out.add("removed " + at);
                } else {
                    differences(at, e.get(key), a.get(key), out);
                }
            }
            for (Object key : a.keySet()) {
                if (!e.containsKey(key)) {
                    out.add("added " + pointer + "/" + String.valueOf(key).replace("~", "~0").replace("/", "~1"));
                }
            }
        } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                differences(pointer + "/" + i, e.get(i), a.get(i), out);
            }
            if (e.size() != a.size()) {
                out.add("changed " + pointer + ": " + e.size() + " items, now " + a.size());
            }
        } else if (!java.util.Objects.equals(expected, actual)) {
            out.add("changed " + (pointer.isEmpty() ? "/" : pointer) + ": " + abbreviate(expected) + " -> " + abbreviate(actual));
        }
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    /**
     * @return every operation, in the document's order
     */
    public List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        map(tree.get("paths")).forEach((path, item) -> map(item).forEach((method, operation) -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(method)) {
                operations.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), path, map(operation)));
            }
        }));
        return operations;
    }

    /**
     * @param node a node that may be a {@code $ref}
     * @return the node it refers to (following references), or the node itself
     * @throws IllegalArgumentException when a reference does not resolve
     */
    public Object resolve(Object node) {
        Object current = node;
        for (int hops = 0; current instanceof Map<?, ?> m && m.get("$ref") instanceof String ref; hops++) {
            if (hops > 16) {
                throw new IllegalArgumentException("reference loop at " + ref);
            }
            current = pointer(ref);
        }
        return current;
    }

    /**
     * @param ref a local reference such as {@code #/components/schemas/X}
     * @return what it points at
     * @throws IllegalArgumentException when it does not resolve
     */
    public Object pointer(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("not a local reference: " + ref);
        }
        Object current = tree;
        for (String token : ref.substring(2).split("/")) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (!(current instanceof Map<?, ?> m) || !m.containsKey(name)) {
                throw new IllegalArgumentException("unresolved reference " + ref);
            }
            current = m.get(name);
        }
        return current;
    }

    /**
     * @param node a node
     * @return it as a map; an empty map when it is absent
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }
}
