package io.gatehouse.definition;

import io.gatehouse.config.DefinitionException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/gatehouse validate <file>}: checks a route file without starting the gateway, for CI
 * pipelines. It reads the file as the gateway does ({@link DefinitionLoader}: placeholders resolved
 * from the environment) and validates it with {@link GatewayDefinition#of}, the very check a
 * reload runs, so it prints the same problems a reload would log.
 *
 * <p>Exit status: {@value #VALID} when the file is valid, {@value #INVALID} when it has problems
 * (each printed on standard error with its field path), {@value #USAGE} when it was called wrongly
 * or the file cannot be found. The file is checked on its own: the application configuration's
 * {@code gateway.*} and the admin API's objects, which a running gateway adds, are not read.
 */
public final class ValidateCommand {

    /** The exit status of a valid file. */
    public static final int VALID = 0;

    /** The exit status of a file with problems. */
    public static final int INVALID = 1;

    /** The exit status of a wrong call or a missing file. */
    public static final int USAGE = 2;

    private ValidateCommand() {
    }

    /**
     * @param args the file to check
     */
    public static void main(String[] args) {
        quietLogs();
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * Keeps the framework's start-up lines off the output unless a log level was asked for.
     */
    static void quietLogs() {
        if (System.getProperty("GATEHOUSE_LOG_LEVEL") == null && System.getenv("GATEHOUSE_LOG_LEVEL") == null) {
            System.setProperty("GATEHOUSE_LOG_LEVEL", "WARN");
        }
    }

    /**
     * @param args the arguments: one file
     * @param out  where the verdict on a valid file goes
     * @param err  where problems and usage go
     * @return the exit status
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1 || args.getFirst().startsWith("-")) {
            err.println("usage: gatehouse validate <route file>");
            return USAGE;
        }
        Path file = Path.of(args.getFirst());
        if (!Files.isRegularFile(file)) {
            err.println("gatehouse validate: " + file + ": no such file");
            return USAGE;
        }
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).banner(false).build()) {
            Environment environment = context.getEnvironment();
            environment.start();
            GatewayDefinition definition = check(new DefinitionLoader(environment, List.of()), file);
            out.println(file.toAbsolutePath().normalize() + ": valid: " + definition.routes().size() + " routes, "
                + definition.upstreams().size() + " upstreams, " + definition.consumers().size() + " consumers, "
                + definition.plans().size() + " plans");
            return VALID;
        } catch (DefinitionException e) {
            err.println(e.getMessage());
            return INVALID;
        }
    }

    /**
     * Reads and validates one file, exactly as a reload reads and validates it.
     *
     * @param loader the loader
     * @param file   the file
     * @return the definition it holds
     * @throws DefinitionException naming every problem
     */
    static GatewayDefinition check(DefinitionLoader loader, Path file) {
        return GatewayDefinition.of(List.of(loader.read(file)));
    }
}
