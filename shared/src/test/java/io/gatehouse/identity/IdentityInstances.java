package io.gatehouse.identity;

import io.gatehouse.testing.TestSchema;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Gateway instances (application contexts without HTTP) sharing one PostgreSQL schema and, when
 * asked, Redis: the way several containers and Lambda functions share the stores in production.
 */
public final class IdentityInstances {

    /** A secret long enough for HS256. */
    public static final String SECRET = "identity-test-secret-0123456789abcdef";

    /**
     * How an instance keeps fresh.
     *
     * @param label     a name for reports
     * @param redis     whether Redis is configured
     * @param lambda    whether it runs as on Lambda (environment {@code function}: no background check)
     */
    public record Mode(String label, boolean redis, boolean lambda) {
        @Override
        public String toString() {
            return label;
        }
    }

    private IdentityInstances() {
    }

    /**
     * @param schema the shared schema
     * @param mode   how the instance keeps fresh
     * @return a started context
     */
    public static ApplicationContext start(TestSchema schema, Mode mode) {
        Map<String, Object> properties = new java.util.HashMap<>(schema.properties());
        properties.put("gateway.jwt.secret", SECRET);
        properties.put("gateway.oauth.secret-iterations", 1000);
        if (!mode.redis()) {
            properties.remove("redis.uri");
        }
        var builder = ApplicationContext.builder().properties(properties);
        if (mode.lambda()) {
            builder.environments(Environment.FUNCTION);
        }
        return builder.start();
    }

    /**
     * Asks a Lambda-mode instance as a request would (wait for freshness, then look), or a
     * long-running one as its event loop would (just look), until the condition holds.
     *
     * @param instance the instance
     * @param mode     its mode
     * @param check    the look-up
     * @param deadlineMillis how long to try
     * @return the milliseconds it took, or -1 when the deadline passed
     */
    public static long millisUntil(ApplicationContext instance, Mode mode, BooleanSupplier check, long deadlineMillis)
        throws Exception {
        IdentitySync sync = instance.getBean(IdentitySync.class);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        while (System.nanoTime() < deadline) {
            if (mode.lambda()) {
                sync.ensureFresh().get(5, TimeUnit.SECONDS);
            }
            if (check.getAsBoolean()) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            Thread.sleep(5);
        }
        return -1;
    }
}
