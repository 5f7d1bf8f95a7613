package io.gatehouse.policy.store;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A key-value store with an expiry per entry, for policies that keep responses between requests.
 * Values are opaque bytes; keys are the policy's own (already hashed) suffixes. No operation blocks:
 * each completes a stage, failed when the store cannot be reached within its timeout.
 */
public interface PolicyStore {

    /**
     * @return which kind of store this is
     */
    StoreKind kind();

    /**
     * @param key the key
     * @return its value, or {@code null} when absent or expired
     */
    CompletionStage<byte[]> get(String key);

    /**
     * Stores a value, replacing any.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   how long it lives, positive
     * @return completes when stored
     */
    CompletionStage<Void> put(String key, byte[] value, Duration ttl);

    /**
     * Stores a value only when the key holds none, atomically: of several callers racing with the
     * same key, exactly one stores.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   how long it lives, positive
     * @return {@code null} when this call stored it, otherwise the value already there
     */
    CompletionStage<byte[]> putIfAbsent(String key, byte[] value, Duration ttl);

    /**
     * Replaces a value only when the key still holds exactly {@code expected}, atomically.
     *
     * @param key      the key
     * @param expected the value it must hold
     * @param value    the new value
     * @param ttl      how long the new value lives, positive
     * @return whether it was replaced
     */
    CompletionStage<Boolean> replace(String key, byte[] expected, byte[] value, Duration ttl);

    /**
     * Removes a value only when the key still holds exactly {@code expected}, atomically.
     *
     * @param key      the key
     * @param expected the value it must hold
     * @return whether it was removed
     */
    CompletionStage<Boolean> remove(String key, byte[] expected);
}
