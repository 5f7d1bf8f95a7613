package io.gatehouse.policy.idempotency;

import io.gatehouse.policy.store.StoredResponse;

import java.security.SecureRandom;

/**
 * What the store holds for one key: the request's fingerprint and either a lock (the first request
 * is in flight; a random token makes each lock unique, so only its owner replaces or removes it) or
 * the response to replay.
 *
 * @param fingerprint the SHA-256 of the method, path, query and body of the request that took the key
 * @param token       the lock's token, or {@code null} once completed
 * @param response    the response, or {@code null} while in flight
 */
record IdempotencyRecord(byte[] fingerprint, byte[] token, StoredResponse response) {

    private static final int FORMAT = 1;
    private static final int IN_FLIGHT = 0;
    private static final int COMPLETED = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param fingerprint the request's fingerprint
     * @return a new lock
     */
    static IdempotencyRecord inFlight(byte[] fingerprint) {
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        return new IdempotencyRecord(fingerprint, token, null);
    }

    /**
     * @param fingerprint the request's fingerprint
     * @param response    its response
     * @return a completed record
     */
    static IdempotencyRecord completed(byte[] fingerprint, StoredResponse response) {
        return new IdempotencyRecord(fingerprint, null, response);
    }

    /**
     * @return whether the first request is still in flight
     */
    boolean inFlight() {
        return response == null;
    }

    /**
     * @return the bytes a store keeps
     */
    byte[] encode() {
        return StoredResponse.encode(FORMAT, response == null ? 64 : response.body().length + 256, out -> {
            out.writeByte(response == null ? IN_FLIGHT : COMPLETED);
            StoredResponse.writeBytes(out, fingerprint);
            if (response == null) {
                StoredResponse.writeBytes(out, token);
            } else {
                response.write(out);
            }
        });
    }

    /**
     * @param bytes what {@link #encode()} produced
     * @return the record, or {@code null} when the bytes are not one
     */
    static IdempotencyRecord decode(byte[] bytes) {
        return StoredResponse.decode(bytes, FORMAT, in -> {
            int state = in.readUnsignedByte();
            byte[] fingerprint = StoredResponse.readBytes(in);
            return switch (state) {
                case IN_FLIGHT -> new IdempotencyRecord(fingerprint, StoredResponse.readBytes(in), null);
                case COMPLETED -> new IdempotencyRecord(fingerprint, null, StoredResponse.read(in));
                default -> null;
            };
        });
    }
}
