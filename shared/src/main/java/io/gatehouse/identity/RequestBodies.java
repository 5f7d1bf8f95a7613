package io.gatehouse.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.io.buffer.ByteBuffer;
import io.micronaut.core.type.Argument;
import io.micronaut.http.FullHttpRequest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpRequestWrapper;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A request body read as bytes, the same way on Netty and on both Lambda payloads, for endpoints
 * whose body is optional or not a type Micronaut binds: micronaut-aws refuses to bind an empty
 * body even to a {@code @Nullable} argument ("Empty body"), and reads a form into the parameters.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * An optional JSON body read into {@code type} through the application's {@link JsonMapper},
     * so the global settings apply as they do to a bound {@code @Body} (unknown fields and
     * duplicate keys refused, the parser's limits). A body that cannot be read ends as Micronaut's
     * own binding failure does, a {@link ConversionErrorException} for {@code type}, which the
     * error processor turns into the {@code invalid_json} envelope naming the rule broken.
     *
     * @param request a request
     * @param json    the application's JSON mapper
     * @param type    what the body is read into
     * @param <T>     the body's type
     * @return the body, or empty when none was sent or it is JSON {@code null}
     * @throws ConversionErrorException when the body is not JSON that {@code type} can be read from
     */
    public static <T> Optional<T> json(HttpRequest<?> request, JsonMapper json, Argument<T> type) {
        byte[] raw = raw(request, null);
        if (raw.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(json.readValue(raw, type));
        } catch (IOException | RuntimeException e) {
            throw new ConversionErrorException(type, e);
        }
    }

    /**
     * @param request a request
     * @param bound   what the runtime bound to {@code @Body byte[]}, or {@code null}
     * @return the body as sent; empty when there is none, or when the runtime already turned it
     *         into parameters
     */
    public static byte[] raw(HttpRequest<?> request, @Nullable byte[] bound) {
        if (bound != null && bound.length > 0) {
            return bound;
        }
        // A filter or micronaut-servlet may have wrapped the request: the runtime's own one holds the bytes.
        for (HttpRequest<?> candidate = request; candidate != null;
             candidate = candidate instanceof HttpRequestWrapper<?> wrapper ? wrapper.getDelegate() : null) {
            byte[] read = bytesOf(candidate);
            if (read.length > 0) {
                return read;
            }
        }
        try {
            // On Lambda the request is micronaut-servlet's ServletRequestAndBody, whose byte body is empty
            // when nothing was bound; the event's body is still there as text.
            return request.getBody(String.class).map(text -> text.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        } catch (RuntimeException e) {
            // micronaut-aws throws for an event without a body.
            return new byte[0];
        }
    }

    /** The body of one request object, as its runtime holds it; empty when it holds none or cannot give it. */
    private static byte[] bytesOf(HttpRequest<?> request) {
        if (request instanceof ServerHttpRequest<?> server) {
            try (InputStream in = server.byteBody().split().toInputStream()) {
                byte[] read = in.readAllBytes();
                if (read.length > 0) {
                    return read;
                }
            } catch (IOException | RuntimeException e) {
                // Not readable as a stream here: try the buffered contents below.
            }
        }
        if (request instanceof FullHttpRequest<?> full) {
            try {
                // micronaut-aws holds the event's body (base64-decoded when it was) as the full contents.
                ByteBuffer<?> contents = full.isFull() ? full.contents() : null;
                if (contents != null) {
                    return contents.toByteArray();
                }
            } catch (RuntimeException e) {
                // micronaut-aws throws for an event without a body.
            }
        }
        return new byte[0];
    }
}
