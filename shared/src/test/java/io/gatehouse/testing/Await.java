package io.gatehouse.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Measures how long a condition takes to become true, for propagation bounds ("refused by the
 * other instance within 1 s"): the bound is the assertion, not a retry.
 */
public final class Await {

    private Await() {
    }

    /**
     * Polls until the condition holds.
     *
     * @param condition      the condition
     * @param deadlineMillis how long to try
     * @return the milliseconds it took, or -1 when the deadline passed
     */
    public static long millisUntil(Supplier<Boolean> condition, long deadlineMillis) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }
}
