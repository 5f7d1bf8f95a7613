package io.gatehouse.policy.cache;

import io.gatehouse.policy.store.StoredResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cached response with what the cache needs to serve it again: when it was stored and until
 * when it is fresh, the {@code Age} it already had, and the values the request had for the headers
 * the response's {@code Vary} names (RFC 9111 §4.1).
 *
 * @param storedAt   when it was stored, epoch milliseconds
 * @param expiresAt  when it stops being fresh, epoch milliseconds
 * @param initialAge the {@code Age} the upstream's response carried, in seconds
 * @param varied     each header the response varies on (lower case) with the request's value
 * @param response   the response
 */
record CacheEntry(long storedAt, long expiresAt, long initialAge, List<Map.Entry<String, String>> varied, StoredResponse response) {

    private static final int FORMAT = 1;

    /**
     * @param now the time, epoch milliseconds
     * @return the {@code Age} to send, in seconds
     */
    long age(long now) {
        return initialAge + Math.max(0, now - storedAt) / 1000;
    }

    /**
     * @return the bytes a store keeps
     */
    byte[] encode() {
        return StoredResponse.encode(FORMAT, response.body().length + 256, out -> {
            out.writeLong(storedAt);
            out.writeLong(expiresAt);
            out.writeLong(initialAge);
            out.writeInt(varied.size());
            for (Map.Entry<String, String> header : varied) {
                StoredResponse.writeString(out, header.getKey());
                StoredResponse.writeString(out, header.getValue());
            }
            response.write(out);
        });
    }

    /**
     * @param bytes what {@link #encode()} produced
     * @return the entry, or {@code null} when the bytes are not one
     */
    static CacheEntry decode(byte[] bytes) {
        return StoredResponse.decode(bytes, FORMAT, in -> {
            long storedAt = in.readLong();
            long expiresAt = in.readLong();
            long initialAge = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > 1000) {
                return null;
            }
            List<Map.Entry<String, String>> varied = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                varied.add(Map.entry(StoredResponse.readString(in), StoredResponse.readString(in)));
            }
            return new CacheEntry(storedAt, expiresAt, initialAge, List.copyOf(varied), StoredResponse.read(in));
        });
    }
}
