package io.gatehouse.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.ServerHttpRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request body read as bytes, the same way on Netty and on both Lambda payloads, for endpoints
 * whose body is optional or not a type Micronaut binds: micronaut-aws refuses to bind an empty
 * body even to a {@code @Nullable} argument ("Empty body"), and reads a form into the parameters.
 */
public final class RequestBodies {

    private RequestBodies() {
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
        if (request instanceof ServerHttpRequest<?> server) {
            try (InputStream in = server.byteBody().split().toInputStream()) {
                byte[] read = in.readAllBytes();
                if (read.length > 0) {
                    return read;
                }
            } catch (IOException | RuntimeException e) {
                // Not readable as a stream here: try the parsed body below.
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
}
