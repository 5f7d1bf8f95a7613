package io.gatehouse.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waiting for a condition instead of sleeping for a guessed time: polls every 10 ms and fails after
 * a deadline. Tests choose deadlines far above the expected time, so a slow machine only makes them
 * slower, never red.
 */
public final class Await {

    private Await() {
    }

    /**
     * @param what      what is awaited, for the failure message
     * @param deadline  how long to wait at most
     * @param condition the condition
     */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("not within " + deadline + ": " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
