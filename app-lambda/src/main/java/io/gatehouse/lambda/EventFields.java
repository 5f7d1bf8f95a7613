package io.gatehouse.lambda;

import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.micronaut.context.ApplicationContext;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.function.aws.proxy.MapListOfStringAndMapStringMutableHttpParameters;
import io.micronaut.http.MutableHttpParameters;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MediaType;
import io.micronaut.function.aws.proxy.ApiGatewayServletRequest.EmptyBodyException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads the parts of an API Gateway event that micronaut-aws trusts to be well formed. API Gateway
 * does not send a header whose name is not a token or whose value is {@code null} or holds a control
 * character, nor a body that is not the base64 it claims, but an event is only JSON handed to the
 * function: such an event gets an answer (the header left out, 400 for the body), never an exception
 * out of the handler or a 500.
 */
final class EventFields {

    private static final Logger LOG = LoggerFactory.getLogger(EventFields.class);

    private EventFields() {
    }

    /**
     * @param headers an event's single-value headers, or {@code null}
     * @return a mutable copy with the fields that can be HTTP fields, their values without surrounding whitespace
     */
    static Map<String, String> withoutNulls(Map<String, String> headers) {
        Map<String, String> out = new HashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                String field = fieldValue(value);
                if (isToken(name) && field != null) {
                    out.put(name, field);
                }
            });
        }
        return out;
    }

    /** RFC 9110 5.1: a field name is a token (the rule {@link EventHeaders} refuses events by). */
    private static boolean isToken(String name) {
        return EventHeaders.token(name);
    }

    /**
     * RFC 9110 5.5: the value without the whitespace around it, or {@code null} when it is absent or
     * holds a control character (CR, LF and NUL among them) and cannot be a field value.
     */
    private static String fieldValue(String value) {
        return value == null || !EventHeaders.fieldValue(value) ? null : value.strip();
    }

    /**
     * @param headers an event's multi-value headers, or {@code null}
     * @return the same for every value, or {@code null} when there were none
     */
    static Map<String, List<String>> withoutNullValues(Map<String, List<String>> headers) {
        if (headers == null) {
            return null;
        }
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((name, values) -> {
            if (isToken(name) && values != null) {
                List<String> present = new ArrayList<>(values.stream().map(EventFields::fieldValue).filter(Objects::nonNull).toList());
                if (!present.isEmpty()) {
                    out.put(name, present);
                }
            }
        });
        return out;
    }

    /**
     * @param body reads the event's body, decoding base64 when the event says so
     * @return the body
     * @throws GatewayException 400 {@code bad_request} when the event's base64 body is not base64
     * @throws EmptyBodyException when the event has no body
     */
    static byte[] decodedBody(BodySupplier body) throws EmptyBodyException {
        try {
            return body.get();
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "The event's body is marked base64 but is not base64.");
        }
    }

    /** Reads a body. */
    @FunctionalInterface
    interface BodySupplier {
        /**
         * @return the body
         * @throws EmptyBodyException when there is none
         */
        byte[] get() throws EmptyBodyException;
    }

    /**
     * The answer to an event that cannot be read as an HTTP request at all (only a hand-made event
     * is one): 400 {@code bad_request} in the envelope, with the headers every response carries.
     *
     * @param context the application context
     * @param cause   what failed, logged
     * @return the status, headers and body to answer with
     */
    static Unreadable unreadable(ApplicationContext context, RuntimeException cause) {
        LOG.warn("An API Gateway event cannot be read as an HTTP request: {}", cause.toString());
        String requestId = UUID.randomUUID().toString();
        byte[] body = context.getBean(ErrorResponses.class).json(requestId, ErrorCode.BAD_REQUEST,
            "The API Gateway event cannot be read as an HTTP request.", Map.of());
        Map<String, String> headers = Map.of(
            HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON,
            RequestIds.HEADER, requestId,
            "X-API-Version", context.getBean(GatewayConfiguration.class).getApiVersion());
        int status = ErrorCode.BAD_REQUEST.status().getCode();
        return new Unreadable(status, RefusalHeaders.of(context, status, headers), new String(body, StandardCharsets.UTF_8));
    }

    /**
     * An answer built without Micronaut's HTTP layer.
     *
     * @param status  the status
     * @param headers the headers
     * @param body    the JSON body
     */
    record Unreadable(int status, Map<String, String> headers, String body) {
    }

    /**
     * The query parameters alone, for a request whose form body micronaut-aws cannot decode (a
     * {@code %} that starts no escape throws while it reads the body into the parameters). The body
     * stays as it was, for an endpoint that reads it to refuse it by its own rules.
     *
     * @param conversionService the request's conversion service
     * @param multi             the multi-value query parameters, or {@code null}
     * @param single            the single-value query parameters, or {@code null}
     * @return the parameters of the query
     */
    static MutableHttpParameters queryOnly(ConversionService conversionService, Map<String, List<String>> multi,
                                           Map<String, String> single) {
        return new MapListOfStringAndMapStringMutableHttpParameters(conversionService,
            multi == null ? Map.of() : multi, single == null ? Map.of() : single);
    }
}
