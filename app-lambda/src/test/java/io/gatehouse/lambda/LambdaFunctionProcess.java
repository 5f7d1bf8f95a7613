package io.gatehouse.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The packaged Lambda jar run by AWS's own runtime interface client in a JVM of its own, as a
 * Lambda container image runs it: {@code java -cp <function jar>:<runtime client jars>
 * com.amazonaws.services.lambda.runtime.api.client.AWSLambda <handler>}, with the environment
 * Lambda sets and the Runtime API of a {@link LambdaRuntimeApiServer}. The runtime's output goes to
 * a log file under {@code target/}.
 */
final class LambdaFunctionProcess implements AutoCloseable {

    static final int MEMORY_MB = 1024;

    private final Process process;
    private final Path log;
    private final long startedAt;

    private LambdaFunctionProcess(Process process, Path log, long startedAt) {
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /**
     * Starts the runtime; it initialises the handler, then polls {@code runtimeApi} for events.
     *
     * @param functionJar the shaded jar, as deployed
     * @param handler     the Lambda {@code Handler} setting, e.g. {@code io.gatehouse.lambda.HttpApiHandler::handleRequest}
     * @param runtimeApi  the Runtime API it polls
     * @param workDir     a directory of its own under {@code target/}: the task root and the log
     * @param properties  system properties for the function's JVM (Micronaut reads them as configuration)
     */
    static LambdaFunctionProcess start(Path functionJar, String handler, LambdaRuntimeApiServer runtimeApi, Path workDir,
                                       Map<String, String> properties) throws IOException {
        if (!Files.isRegularFile(functionJar)) {
            throw new IllegalStateException(functionJar + " is missing: run `./mvnw verify` so that `package` builds it first");
        }
        List<String> jvmOptions = new ArrayList<>(List.of(
            "-Xmx" + (MEMORY_MB * 85 / 100) + "m",
            "-XX:+UseSerialGC",
            "-Xshare:auto"));
        properties.forEach((name, value) -> jvmOptions.add("-D" + name + "=" + value));
        return start(List.of(functionJar), Files.createDirectories(workDir.resolve("task")), workDir.resolve("runtime.log"),
            handler, runtimeApi, jvmOptions);
    }

    /**
     * Starts the runtime with the function's classes where the caller puts them: on the JVM's class
     * path ({@code functionClasspath}, as a container image does), or unpacked in {@code taskRoot}
     * with an empty {@code functionClasspath}, where the runtime client's own class loader reads
     * them, as Lambda's managed runtime does with a {@code .jar} or {@code .zip} deployment.
     *
     * @param functionClasspath jars put before the runtime client's on the class path
     * @param taskRoot          the working directory, {@code LAMBDA_TASK_ROOT}
     * @param log               where the runtime's output goes
     * @param handler           the Lambda {@code Handler} setting
     * @param runtimeApi        the Runtime API it polls
     * @param jvmOptions        options before {@code -cp}
     */
    static LambdaFunctionProcess start(List<Path> functionClasspath, Path taskRoot, Path log, String handler,
                                       LambdaRuntimeApiServer runtimeApi, List<String> jvmOptions) throws IOException {
        List<String> classpath = new ArrayList<>();
        functionClasspath.forEach(p -> classpath.add(p.toString()));
        runtimeClientClasspath().forEach(p -> classpath.add(p.toString()));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), AWSLambda.class.getName(), handler));
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(taskRoot.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Only what Lambda itself sets: nothing from the build's environment (datasource URLs, ...) leaks in.
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("_HANDLER", handler);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        env.put("AWS_LAMBDA_FUNCTION_NAME", "gatehouse");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(MEMORY_MB));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/gatehouse");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/25/[$LATEST]0123456789abcdef0123456789abcdef");
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_DEFAULT_REGION", "eu-west-1");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", taskRoot.toString());

        long startedAt = System.nanoTime();
        Process process = builder.start();
        process.onExit().thenAccept(p -> runtimeApi.runtimeExited("the runtime exited with code " + p.exitValue()));
        return new LambdaFunctionProcess(process, log, startedAt);
    }

    /** The runtime interface client and its dependencies, from this test's own classpath. */
    private static List<Path> runtimeClientClasspath() {
        return Stream.of(AWSLambda.class, Context.class, PojoSerializer.class, SdkInternalThreadLocal.class)
            .map(LambdaFunctionProcess::jarOf)
            .distinct()
            .toList();
    }

    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for the runtime's first {@code /next} poll, which follows the handler's initialisation.
     *
     * @return the cold start: from process start to the first poll
     */
    Duration awaitInitialised(LambdaRuntimeApiServer runtimeApi, Duration timeout) {
        try {
            long polledAt = runtimeApi.firstPoll().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Duration.ofNanos(polledAt - startedAt);
        } catch (TimeoutException e) {
            throw new AssertionError("no /next poll within " + timeout + "\n" + logTail(), e);
        } catch (ExecutionException e) {
            throw new AssertionError("initialisation failed: " + e.getCause().getMessage() + "\n" + logTail(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return the runtime's process */
    ProcessHandle process() {
        return process.toHandle();
    }

    /** @return the last lines of the runtime's output, for failure messages */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- last lines of " + log + " ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        // Long enough for a JVM that writes an AOT cache as it exits (-XX:AOTCacheOutput).
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
