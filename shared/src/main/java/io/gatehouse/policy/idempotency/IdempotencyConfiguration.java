package io.gatehouse.policy.idempotency;

import io.gatehouse.policy.store.StoreSettings;
import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The gateway-wide settings of {@code Idempotency-Key} handling, under {@code gateway.idempotency.*}:
 * {@code enabled} ({@value #DEFAULT_ENABLED}), {@code redis-prefix} ({@value #DEFAULT_REDIS_PREFIX}),
 * {@code memory-max-bytes} ({@value #DEFAULT_MEMORY_MAX_BYTES}, 32 MiB; a dropped record's retry
 * reaches the upstream again) and {@code store-timeout} ({@value #DEFAULT_STORE_TIMEOUT_MILLIS} ms:
 * past it, or when Redis fails, a request carrying a key is refused 503 rather than risk a second
 * upstream call). Which routes use it is their own {@code idempotency:} section (see
 * {@code docs/idempotency.md}).
 */
@ConfigurationProperties(IdempotencyConfiguration.PREFIX)
public class IdempotencyConfiguration extends StoreSettings {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.idempotency";

    /** Routes that ask for it get it by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default prefix of the Redis keys. */
    public static final String DEFAULT_REDIS_PREFIX = "gatehouse:idempotency";

    /** The default bound on the in-memory records of one instance, in bytes (32 MiB). */
    public static final long DEFAULT_MEMORY_MAX_BYTES = 32L * 1024 * 1024;

    /** The default bound on one Redis command, in milliseconds. */
    public static final long DEFAULT_STORE_TIMEOUT_MILLIS = 1000;

    /** Creates the settings with their defaults. */
    public IdempotencyConfiguration() {
        super(DEFAULT_REDIS_PREFIX, DEFAULT_MEMORY_MAX_BYTES, Duration.ofMillis(DEFAULT_STORE_TIMEOUT_MILLIS));
    }
}
