package io.gatehouse.proxy;

import io.micronaut.http.HttpRequest;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reads a whole body in Micronaut's HTTP layer, bounded, once: a policy that needs the request body
 * reads it here and leaves it under {@link #BUFFERED_ATTRIBUTE}, where the buffered engine finds it
 * instead of reading a stream that is already consumed.
 */
public final class BufferedBodies {

    /** The request attribute holding a request body already read, as {@code byte[]}. */
    public static final String BUFFERED_ATTRIBUTE = "gatehouse.buffered-body";

    /** The body is longer than the limit. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException() {
            super(null, null, false, false);
        }
    }

    private BufferedBodies() {
    }

    /**
     * @param request a request
     * @param limit   the most bytes accepted
     * @return its whole body, or an error signal {@link TooLargeException} past the limit
     */
    public static Mono<byte[]> buffered(HttpRequest<?> request, long limit) {
        Object kept = request.getAttribute(BUFFERED_ATTRIBUTE).orElse(null);
        if (kept instanceof byte[] body) {
            return body.length > limit ? Mono.error(new TooLargeException()) : Mono.just(body);
        }
        if (request instanceof io.micronaut.http.ServerHttpRequest<?> server) {
            // Kept for whoever reads it next, and for the access log's byte count.
            return bounded(server.byteBody().toByteArrayPublisher(), limit, TooLargeException::new)
                .doOnNext(body -> request.setAttribute(BUFFERED_ATTRIBUTE, body));
        }
        byte[] body = request.getBody(byte[].class).orElse(new byte[0]);
        return body.length > limit ? Mono.error(new TooLargeException()) : Mono.just(body);
    }

    /**
     * @param chunks   a body's chunks
     * @param limit    the most bytes accepted
     * @param tooLarge the error past the limit
     * @return the chunks joined
     */
    static Mono<byte[]> bounded(Publisher<byte[]> chunks, long limit, Supplier<? extends RuntimeException> tooLarge) {
        return Mono.defer(() -> {
            AtomicLong total = new AtomicLong();
            return Flux.from(chunks)
                .<byte[]>handle((chunk, sink) -> {
                    if (total.addAndGet(chunk.length) > limit) {
                        sink.error(tooLarge.get());
                    } else {
                        sink.next(chunk);
                    }
                })
                .collect(ByteArrayOutputStream::new, ByteArrayOutputStream::writeBytes)
                .map(ByteArrayOutputStream::toByteArray);
        });
    }
}
