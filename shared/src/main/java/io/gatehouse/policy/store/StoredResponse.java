package io.gatehouse.policy.store;

import io.gatehouse.policy.ResponseHead;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A response as a policy stores it: status, headers in order, body. Written in a small binary
 * form ({@link #write}, {@link #read}) inside the policy's own record.
 *
 * @param status  the status
 * @param headers the headers, in order, repeated names allowed
 * @param body    the body, empty for none
 */
public record StoredResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    /**
     * Headers never stored: hop-by-hop ones, the length (the engine sets it), and those the gateway
     * sets per request (request id, rate-limit state, cache and replay markers).
     */
    private static final Set<String> PER_REQUEST = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "x-request-id", "x-cache", "age", "idempotent-replayed");

    /**
     * @param name a header name
     * @return whether a stored response may keep it
     */
    static boolean storable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !PER_REQUEST.contains(lower) && !lower.startsWith("ratelimit") && !lower.startsWith("x-ratelimit");
    }

    /**
     * Copies the response the client is about to receive, less the headers that belong to this
     * request only.
     *
     * @param head the response
     * @param body its whole body
     * @return the copy
     */
    public static StoredResponse of(ResponseHead head, byte[] body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : head.names()) {
            if (storable(name)) {
                for (String value : head.headers(name)) {
                    headers.add(Map.entry(name, value));
                }
            }
        }
        return new StoredResponse(head.status(), List.copyOf(headers), body);
    }

    /**
     * @param name a header name, any case
     * @return its first value, or {@code null}
     */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /**
     * @param out where to write
     * @throws IOException never for an in-memory stream
     */
    public void write(DataOutputStream out) throws IOException {
        out.writeShort(status);
        out.writeInt(headers.size());
        for (Map.Entry<String, String> header : headers) {
            writeString(out, header.getKey());
            writeString(out, header.getValue());
        }
        writeBytes(out, body);
    }

    /**
     * @param in what {@link #write} wrote
     * @return the response
     * @throws IOException when the bytes are not a stored response
     */
    public static StoredResponse read(DataInputStream in) throws IOException {
        int status = in.readUnsignedShort();
        int count = in.readInt();
        if (count < 0 || count > 10_000) {
            throw new IOException("not a stored response");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            headers.add(Map.entry(readString(in), readString(in)));
        }
        return new StoredResponse(status, List.copyOf(headers), readBytes(in));
    }

    /** Writes a record's fields. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out where to write
         * @throws IOException never for an in-memory stream
         */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Reads a record's fields.
     *
     * @param <T> the record
     */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * @param in what a {@link Writer} wrote
         * @return the record, or {@code null} when the bytes are not one
         * @throws IOException when they are truncated or malformed
         */
        T read(DataInputStream in) throws IOException;
    }

    /**
     * @param format   the record's format number, written first
     * @param sizeHint about how many bytes it takes
     * @param writer   writes its fields
     * @return the bytes a store keeps
     */
    public static byte[] encode(int format, int sizeHint, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(format);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param bytes  what {@link #encode} produced
     * @param format the format number expected first
     * @param reader reads the fields
     * @param <T>    the record
     * @return the record, or {@code null} when the bytes are not one of this format (another
     *     version of the gateway wrote them, or they are damaged): the caller treats it as absent
     */
    public static <T> T decode(byte[] bytes, int format, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return in.readUnsignedByte() == format ? reader.read(in) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @param out   where to write
     * @param value a string, UTF-8 with its length first
     * @throws IOException never for an in-memory stream
     */
    public static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param in what {@link #writeString} wrote
     * @return the string
     * @throws IOException when truncated
     */
    public static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    /**
     * @param out   where to write
     * @param bytes bytes, with their length first
     * @throws IOException never for an in-memory stream
     */
    public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * @param in what {@link #writeBytes} wrote
     * @return the bytes
     * @throws IOException when truncated or malformed
     */
    public static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("not a stored response");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
