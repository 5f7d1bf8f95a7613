package io.gatehouse.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waiting for a condition instead of sleeping for a guessed time. {@link #until} polls every 10 ms
 * and fails after a deadline; tests choose deadlines far above the expected time, so a slow machine
 * only makes them slower, never red. {@link #millisUntil} measures how long a condition takes to
 * become true, for propagation bounds ("refused by the other instance within 1 s"): the bound is
 * the assertion, not a retry.
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

    /**
     * Polls until the condition holds. The condition is always checked at least once, however
     * short the deadline and however late the calling thread runs, so that a deadline of 1 ms
     * means "holds now" rather than "holds if the first check starts within 1 ms".
     *
     * @param condition      the condition
     * @param deadlineMillis how long to try
     * @return the milliseconds it took, or -1 when the deadline passed
     */
    public static long millisUntil(Supplier<Boolean> condition, long deadlineMillis) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        while (true) {
            if (condition.get()) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            if (System.nanoTime() >= deadline) {
                return -1;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }
}
