package io.gatehouse.error;

import io.gatehouse.observability.RequestIds;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Builds envelope responses. Filters that answer without reaching a controller (authentication,
 * limits, the proxy) use it so that their errors look exactly like the framework's.
 */
@Singleton
public class ErrorResponses {

    private final Clock clock;
    private final JsonMapper jsonMapper;

    /**
     * Creates the builder with the system clock.
     *
     * @param jsonMapper writes envelopes for engines that answer below Micronaut's HTTP layer
     */
    @Inject
    public ErrorResponses(JsonMapper jsonMapper) {
        this(Clock.systemUTC(), jsonMapper);
    }

    ErrorResponses(Clock clock, JsonMapper jsonMapper) {
        this.clock = clock;
        this.jsonMapper = jsonMapper;
    }

    /**
     * The envelope as JSON bytes, for engines that write responses themselves (the container's
     * proxy answers below Micronaut's HTTP layer).
     *
     * @param requestId the request's id
     * @param code      the error code
     * @param message   the message for the client
     * @param details   structured details
     * @return the UTF-8 JSON body
     */
    public byte[] json(String requestId, ErrorCode code, String message, Map<String, Object> details) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ErrorEnvelope envelope = new ErrorEnvelope(new ErrorEnvelope.Body(code.code(), message, details, requestId, now.toString()));
        try {
            return jsonMapper.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param request the request being answered
     * @param code    the error code; its status is used
     * @param message the message for the client
     * @param details structured details
     * @return a JSON response carrying the envelope
     */
    public MutableHttpResponse<ErrorEnvelope> response(HttpRequest<?> request, ErrorCode code, String message, Map<String, Object> details) {
        return HttpResponse.<ErrorEnvelope>status(code.status())
            .contentType(MediaType.APPLICATION_JSON_TYPE)
            .body(envelope(request, code.code(), message, details));
    }

    /**
     * The answer to a body over {@code micronaut.server.max-request-size}, the same whichever
     * runtime refuses it.
     *
     * @param request the request being answered
     * @param limit   the largest body accepted, in bytes
     * @return a 413 {@code payload_too_large} response with {@code details.limit_bytes}
     */
    public MutableHttpResponse<ErrorEnvelope> payloadTooLarge(HttpRequest<?> request, long limit) {
        return response(request, ErrorCode.PAYLOAD_TOO_LARGE, payloadTooLargeMessage(limit), Map.of("limit_bytes", limit));
    }

    static String payloadTooLargeMessage(long limit) {
        return "The request body is larger than the " + limit + " bytes the gateway accepts.";
    }

    /**
     * @param request the request being answered
     * @param code    the envelope's code
     * @param message the message for the client
     * @param details structured details
     * @return the envelope
     */
    public ErrorEnvelope envelope(HttpRequest<?> request, String code, String message, Map<String, Object> details) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return new ErrorEnvelope(new ErrorEnvelope.Body(code, message, details, RequestIds.of(request), now.toString()));
    }
}
