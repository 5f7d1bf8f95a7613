package io.gatehouse.container;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's two-minute variant: {@code bin/gatehouse bench soak} on the packaged container jar,
 * mixed traffic for two minutes (proxied requests with rotating tokens, session messages, resumed
 * streams, a route replaced and reloaded every minute). It passes when every request got the
 * expected answer and the live heap after a full collection, the threads and the open descriptors
 * grew by no more than 5% after a 40-second warm-up. RSS is reported, not checked: it takes one step
 * in the first minutes that a run this short cannot tell from a trend (docs/reliability.md, "Soak").
 */
class SoakIT {

    @Test
    void twoMinutesOfMixedTraffic_thenEveryAnswerExpected_andHeapThreadsDescriptorsFlat() throws Exception {
        String jar = Path.of(System.getProperty("gatehouse.container.jar", "target/gatehouse-container.jar")).toAbsolutePath().toString();
        assertTrue(Files.isRegularFile(Path.of(jar)), "run after packaging: " + jar + " is missing");
        Path root = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(root.resolve("infra/bench/soak.sh"))) {
            root = root.getParent();
        }
        Path output = Files.createTempFile("soak", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "infra/bench/soak.sh", "--duration", "2m", "--sample", "10s",
            "--warm-up", "40s", "--check", "heap,threads,descriptors")
            .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("GATEHOUSE_BENCH_JAR", jar);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process soak = builder.start();
        boolean ended = soak.waitFor(6, TimeUnit.MINUTES);
        if (!ended) {
            soak.destroyForcibly();
        }
        String report = Files.readString(output);
        assertTrue(ended, "the soak did not end: " + report);
        assertFalse(report.contains("_error_"), "a request got an unexpected answer: " + report);
        assertTrue(report.contains("| threads |"), report);
        assertEquals(0, soak.exitValue(), report);
    }
}
