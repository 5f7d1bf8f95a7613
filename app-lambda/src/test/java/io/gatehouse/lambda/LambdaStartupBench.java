package io.gatehouse.lambda;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cold start of the Lambda function as the Lambda service sees it, for
 * {@code bin/gatehouse bench startup --lambda} (infra/bench/startup-lambda.sh); a command-line
 * program, not a test. It serves the Runtime API ({@link LambdaRuntimeApiServer}), starts the
 * runtime interface client on the function ({@link LambdaFunctionProcess}) and hands it the same
 * API Gateway event {@code 1 + warm} times, one after another:
 * <ul>
 *   <li>init: the process start to the runtime's first {@code /next} poll (Lambda's Init phase), and
 *       the CPU time the runtime used until then;</li>
 *   <li>first: the first event handed out to its response posted (Lambda's "Duration");</li>
 *   <li>warm: the median and p90 of the same over the further invokes;</li>
 *   <li>rss, cpu: the runtime's resident set (MiB) and CPU time (ms) after the last invoke.</li>
 * </ul>
 * It prints one tab-separated line, {@code init_ms init_cpu_ms first_ms warm_median_ms warm_p90_ms rss_mib cpu_ms status},
 * where status is the response's {@code statusCode}; every invoke must answer the same.
 *
 * <pre>
 * LambdaStartupBench --event FILE --warm N --task-root DIR --log FILE --handler H -- JVM-OPTION...
 * </pre>
 * The function's classes are read from {@code --task-root} (the jar unpacked, as Lambda lays out a
 * {@code .jar} deployment); the JVM options go before the runtime client's class path.
 */
final class LambdaStartupBench {

    private static final Duration INIT_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat on Linux. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private LambdaStartupBench() {
    }

    public static void main(String[] args) throws Exception {
        int split = Arrays.asList(args).indexOf("--");
        if (split < 0 || split % 2 != 0) {
            throw new IllegalArgumentException("usage: --event FILE --warm N --task-root DIR --log FILE --handler H -- JVM-OPTION...");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < split; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        String event = Files.readString(Path.of(options.get("--event")));
        int warm = Integer.parseInt(options.getOrDefault("--warm", "100"));
        List<String> jvmOptions = List.of(args).subList(split + 1, args.length);

        try (LambdaRuntimeApiServer runtimeApi = new LambdaRuntimeApiServer();
             LambdaFunctionProcess function = LambdaFunctionProcess.start(List.of(), Path.of(options.get("--task-root")),
                 Path.of(options.get("--log")), options.get("--handler"), runtimeApi, jvmOptions)) {
            Duration init = function.awaitInitialised(runtimeApi, INIT_TIMEOUT);
            long pid = function.process().pid();
            long initCpu = cpuMillis(pid);
            LambdaRuntimeApiServer.Result first = invoke(runtimeApi, event);
            String status = status(first);
            double[] warmMs = new double[warm];
            for (int i = 0; i < warm; i++) {
                LambdaRuntimeApiServer.Result result = invoke(runtimeApi, event);
                if (!status.equals(status(result))) {
                    throw new IllegalStateException("invoke " + (i + 2) + " answered " + status(result) + ", the first " + status);
                }
                warmMs[i] = millis(result.duration());
            }
            Arrays.sort(warmMs);
            System.out.printf("%d\t%d\t%.1f\t%.2f\t%.2f\t%d\t%d\t%s%n", init.toMillis(), initCpu, millis(first.duration()),
                percentile(warmMs, 50), percentile(warmMs, 90), rssMib(pid), cpuMillis(pid), status);
        }
    }

    private static LambdaRuntimeApiServer.Result invoke(LambdaRuntimeApiServer runtimeApi, String event) throws Exception {
        LambdaRuntimeApiServer.Result result = runtimeApi.invoke(event).get(30, TimeUnit.SECONDS);
        if (result.error()) {
            throw new IllegalStateException("the runtime posted an error: " + result.body());
        }
        return result;
    }

    private static String status(LambdaRuntimeApiServer.Result result) {
        Matcher m = STATUS.matcher(result.body());
        return m.find() ? m.group(1) : "?";
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }

    private static double percentile(double[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static long rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
            }
        }
        return -1;
    }

    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // After "pid (comm) ": utime and stime are the 12th and 13th fields.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
    }
}
