package io.gatehouse.migration;

import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bin/gatehouse import kong <kong.yml> [-o <out.yml>]} and
 * {@code bin/gatehouse import traefik <dynamic dir or file> [-o <out.yml>]} (YAML and TOML files): writes the Gatehouse
 * route file (to standard output, or to {@code -o}), and on standard error what was mapped in a
 * way worth telling, the application properties the file needs, and everything not mapped with
 * the reason. The route file is validated as the gateway would validate it before it is written.
 *
 * <p>Exit status: {@value #ALL_MAPPED} when everything was mapped, {@value #SOME_UNMAPPED} when the
 * file was written but something could not be mapped (listed), {@value #USAGE} for a wrong call or
 * an input that cannot be read, {@value #INVALID_OUTPUT} when the result does not validate (a bug
 * of the importer: the problems are printed and nothing is written).
 */
public final class ImportCommand {

    /** Everything was mapped. */
    public static final int ALL_MAPPED = 0;

    /** The file was written; something could not be mapped. */
    public static final int SOME_UNMAPPED = 1;

    /** A wrong call, or an input that cannot be read. */
    public static final int USAGE = 2;

    /** The imported file does not validate. */
    public static final int INVALID_OUTPUT = 3;

    private static final String USAGE_TEXT = "usage: gatehouse import kong <kong.yml> [-o <out.yml>]\n"
        + "       gatehouse import traefik <dynamic config dir or file> [-o <out.yml>]";

    private ImportCommand() {
    }

    /**
     * @param args {@code kong|traefik <input> [-o <output>]}
     */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * @param args the arguments
     * @param out  where the route file goes without {@code -o}
     * @param err  where the report goes
     * @return the exit status
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        Path output = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-o") && i + 1 < args.size()) {
                output = Path.of(args.get(++i));
            } else if (args.get(i).startsWith("-")) {
                err.println(USAGE_TEXT);
                return USAGE;
            } else {
                positional.add(args.get(i));
            }
        }
        if (positional.size() != 2) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        Path input = Path.of(positional.get(1));
        RouteFile file;
        try {
            file = switch (positional.getFirst().toLowerCase(Locale.ROOT)) {
                case "kong" -> KongImport.convert(read(input), input.toString());
                case "traefik" -> traefik(input);
                default -> throw new IllegalArgumentException("unknown source '" + positional.getFirst() + "' (kong or traefik)");
            };
        } catch (IllegalArgumentException | IOException | YAMLException e) {
            err.println("gatehouse import: " + e.getMessage());
            if (e instanceof IllegalArgumentException && e.getMessage().startsWith("unknown source")) {
                err.println(USAGE_TEXT);
            }
            return USAGE;
        }
        String yaml = file.yaml();
        try {
            GatewayDefinition.of(List.of(new GatewayDefinition.Source(output == null ? "imported file" : output.toString(),
                new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml))));
        } catch (DefinitionException e) {
            err.println("gatehouse import: the imported file does not validate; nothing written.\n" + e.getMessage());
            return INVALID_OUTPUT;
        }
        try {
            if (output == null) {
                out.print(yaml);
            } else {
                Files.writeString(output, yaml, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("gatehouse import: cannot write " + output + ": " + e.getMessage());
            return USAGE;
        }
        report(file, output, err);
        return file.unmapped().isEmpty() ? ALL_MAPPED : SOME_UNMAPPED;
    }

    private static void report(RouteFile file, Path output, PrintStream err) {
        err.println("gatehouse import: " + file.routeCount() + " routes" + (output == null ? "" : " written to " + output));
        file.notes().forEach(n -> err.println("  mapped: " + n));
        if (!file.settings().isEmpty()) {
            err.println("Set these application properties (environment variables or application.yml):");
            file.settings().forEach(s -> err.println("  " + s.property() + " = " + s.value() + "   (" + s.why() + ")"));
        }
        if (!file.unmapped().isEmpty()) {
            err.println("Not mapped (" + file.unmapped().size() + "):");
            file.unmapped().forEach(u -> err.println("  " + u));
        }
    }

    private static RouteFile traefik(Path input) throws IOException {
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (Stream<Path> listing = Files.list(input)) {
                files = listing.filter(Files::isRegularFile).sorted().toList();
            }
        } else if (Files.isRegularFile(input)) {
            files = List.of(input);
        } else {
            throw new IllegalArgumentException(input + ": no such file or directory");
        }
        List<TraefikImport.Document> documents = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Path path : files) {
            String name = path.getFileName().toString();
            if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                for (Object tree : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(path))) {
                    documents.add(new TraefikImport.Document(name, tree));
                }
            } else if (name.endsWith(".toml")) {
                try {
                    documents.add(new TraefikImport.Document(name, new TomlMapper().readValue(path.toFile(), Map.class)));
                } catch (JacksonException e) {
                    throw new IllegalArgumentException(path + ": not valid TOML: " + e.getOriginalMessage());
                }
            } else {
                skipped.put(path.toString(), "not a YAML or TOML file of the dynamic configuration");
            }
        }
        if (documents.isEmpty() && skipped.isEmpty()) {
            throw new IllegalArgumentException(input + ": no dynamic configuration files");
        }
        return TraefikImport.convert(documents, input.toString(), skipped);
    }

    private static Object read(Path input) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException(input + ": no such file");
        }
        try (Reader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
    }
}
