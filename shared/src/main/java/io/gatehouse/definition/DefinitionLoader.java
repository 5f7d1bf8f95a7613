package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.config.DefinitionProblem;
import io.micronaut.context.env.Environment;
import io.micronaut.core.type.Argument;
import jakarta.inject.Singleton;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the gateway definition from its sources, in this order:
 * <ol>
 *   <li>the declarative file: {@code gateway.config-file}, else the {@code GATEHOUSE_CONFIG}
 *       environment variable, else {@code gatehouse.yml} beside the jar when it exists;</li>
 *   <li>the same structure under {@code gateway.*} in the application configuration
 *       ({@code gateway.routes}, {@code gateway.upstreams}, {@code gateway.consumers}, {@code gateway.plans}, {@code gateway.plans-by});</li>
 *   <li>every {@link DefinitionContributor}, such as the admin store.</li>
 * </ol>
 * {@code ${NAME:default}} placeholders in the file are resolved from the environment.
 */
@Singleton
public class DefinitionLoader {

    /** The property naming the declarative file. */
    public static final String CONFIG_FILE_PROPERTY = "gateway.config-file";

    /** The environment variable naming the declarative file. */
    public static final String CONFIG_FILE_ENV = "GATEHOUSE_CONFIG";

    /** The file looked for beside the jar when nothing names one. */
    public static final String DEFAULT_FILE_NAME = "gatehouse.yml";

    /** How application configuration is named in problems. */
    public static final String APPLICATION_SOURCE = "application configuration (gateway.*)";

    private final Environment environment;
    private final List<DefinitionContributor> contributors;

    DefinitionLoader(Environment environment, List<DefinitionContributor> contributors) {
        this.environment = environment;
        this.contributors = contributors;
    }

    /**
     * @return the declarative file in use, if any
     */
    public Optional<Path> file() {
        Optional<String> named = environment.getProperty(CONFIG_FILE_PROPERTY, String.class)
            .or(() -> Optional.ofNullable(System.getenv(CONFIG_FILE_ENV)))
            .filter(s -> !s.isBlank());
        if (named.isPresent()) {
            return named.map(Path::of);
        }
        return besideJar().filter(Files::isRegularFile);
    }

    /**
     * Reads and validates every source.
     *
     * @return the definition
     * @throws DefinitionException naming every problem
     */
    public GatewayDefinition load() {
        return GatewayDefinition.of(sources());
    }

    /**
     * Reads every source without validating them together, so a caller (the admin API) can put a
     * candidate change beside them and validate the whole with {@link GatewayDefinition#of(List)}.
     *
     * @return the sources in order: file, application configuration, contributors
     * @throws DefinitionException when the file cannot be read or parsed
     */
    public List<GatewayDefinition.Source> sources() {
        List<GatewayDefinition.Source> sources = new ArrayList<>();
        Optional<Path> file = file();
        if (file.isPresent()) {
            sources.add(readFile(file.get()));
        }
        Map<String, Object> application = new LinkedHashMap<>();
        environment.getProperty("gateway.routes", Argument.listOf(Object.class))
            .filter(list -> !list.isEmpty())
            .ifPresent(v -> application.put("routes", v));
        for (String key : List.of("upstreams", "consumers", "plans", "plans-by")) {
            environment.getProperty("gateway." + key, Argument.mapOf(String.class, Object.class))
                .filter(map -> !map.isEmpty())
                .ifPresent(v -> application.put(key, v));
        }
        if (!application.isEmpty()) {
            sources.add(new GatewayDefinition.Source(APPLICATION_SOURCE, unflatten(application)));
        }
        for (DefinitionContributor contributor : contributors) {
            sources.addAll(contributor.sources());
        }
        return sources;
    }

    /**
     * Reads one declarative file as {@link #sources()} reads the configured one: parsed, its
     * placeholders resolved, not yet validated.
     *
     * @param path the file
     * @return it as a source
     * @throws DefinitionException when it cannot be read or parsed, or a placeholder cannot be resolved
     */
    public GatewayDefinition.Source read(Path path) {
        return readFile(path);
    }

    private GatewayDefinition.Source readFile(Path path) {
        String name = path.toAbsolutePath().normalize().toString();
        if (!Files.isRegularFile(path)) {
            throw new DefinitionException(List.of(new DefinitionProblem(name, "", "file not found (named by "
                + CONFIG_FILE_ENV + " or " + CONFIG_FILE_PROPERTY + ")")));
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return read(name, reader);
        } catch (IOException e) {
            throw new DefinitionException(List.of(new DefinitionProblem(name, "", "cannot be read: " + e.getMessage())));
        }
    }

    /**
     * Parses a declarative file's content (YAML, or JSON, which YAML reads too) and resolves its
     * placeholders.
     *
     * @param name   how the source is named in problems
     * @param reader the content
     * @return the source
     * @throws DefinitionException when the content is not valid YAML or a placeholder cannot be resolved
     */
    GatewayDefinition.Source read(String name, Reader reader) {
        try {
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return new GatewayDefinition.Source(name, resolvePlaceholders(tree, name));
        } catch (MarkedYAMLException e) {
            throw new DefinitionException(List.of(new DefinitionProblem(name, "line " + (e.getProblemMark().getLine() + 1),
                "not valid YAML: " + e.getProblem())));
        } catch (YAMLException e) {
            // Not positioned: a character YAML forbids (ReaderException), nesting past SnakeYAML's limit.
            throw new DefinitionException(List.of(new DefinitionProblem(name, "", "not valid YAML: " + e.getMessage())));
        }
    }

    private Object resolvePlaceholders(Object node, String source) {
        return resolvePlaceholders(node, source, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** {@code enclosing}: the maps and lists around this node, so an alias to one of them is refused, not followed forever. */
    private Object resolvePlaceholders(Object node, String source, Set<Object> enclosing) {
        if ((node instanceof Map<?, ?> || node instanceof List<?>) && !enclosing.add(node)) {
            throw new DefinitionException(List.of(new DefinitionProblem(source, "", "a YAML alias refers to a map or list that contains it")));
        }
        if (node instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, resolvePlaceholders(v, source, enclosing)));
            enclosing.remove(node);
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(resolvePlaceholders(v, source, enclosing)));
            enclosing.remove(node);
            return out;
        }
        if (node instanceof String text && text.contains("${")) {
            try {
                return environment.getPlaceholderResolver().resolveRequiredPlaceholders(text);
            } catch (RuntimeException e) {
                throw new DefinitionException(List.of(new DefinitionProblem(source, "", "cannot resolve '" + text + "': "
                    + e.getMessage())));
            }
        }
        return node;
    }

    /**
     * Property sources may hand back nested maps with flattened keys ({@code match.path},
     * {@code targets[0]}); turn them into the nested maps and lists a YAML file would give.
     */
    static Object unflatten(Object node) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(unflatten(v)));
            return out;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((key, value) -> insert(out, String.valueOf(key), unflatten(value)));
        return listify(out);
    }

    @SuppressWarnings("unchecked")
    private static void insert(Map<String, Object> target, String key, Object value) {
        List<String> tokens = new ArrayList<>();
        for (String part : key.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                tokens.add(part);
                continue;
            }
            if (bracket > 0) {
                tokens.add(part.substring(0, bracket));
            }
            for (String index : part.substring(bracket + 1).split("\\]\\[?")) {
                if (!index.isEmpty()) {
                    tokens.add(index);
                }
            }
        }
        Map<String, Object> node = target;
        for (int i = 0; i < tokens.size() - 1; i++) {
            Object child = node.get(tokens.get(i));
            if (!(child instanceof Map<?, ?>)) {
                Map<String, Object> created = new LinkedHashMap<>();
                if (child instanceof List<?> list) {
                    for (int j = 0; j < list.size(); j++) {
                        created.put(String.valueOf(j), list.get(j));
                    }
                }
                node.put(tokens.get(i), created);
                child = created;
            }
            node = (Map<String, Object>) child;
        }
        String last = tokens.getLast();
        Object existing = node.get(last);
        if (existing instanceof Map<?, ?> existingMap && value instanceof Map<?, ?> valueMap) {
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) existingMap);
            valueMap.forEach((k, v) -> insert(merged, String.valueOf(k), v));
            node.put(last, merged);
        } else {
            node.put(last, value);
        }
    }

    private static Object listify(Object node) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(listify(v)));
            return out;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        boolean indexed = !map.isEmpty();
        for (int i = 0; i < map.size(); i++) {
            if (!map.containsKey(String.valueOf(i))) {
                indexed = false;
                break;
            }
        }
        if (indexed) {
            List<Object> out = new ArrayList<>(map.size());
            for (int i = 0; i < map.size(); i++) {
                out.add(listify(map.get(String.valueOf(i))));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), listify(v)));
        return out;
    }

    private static Optional<Path> besideJar() {
        try {
            var location = DefinitionLoader.class.getProtectionDomain().getCodeSource();
            if (location == null) {
                return Optional.empty();
            }
            Path jar = Path.of(location.getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            return Optional.of(jar.getParent().resolve(DEFAULT_FILE_NAME));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
