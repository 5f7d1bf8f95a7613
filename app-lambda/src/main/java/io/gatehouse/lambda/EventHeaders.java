package io.gatehouse.lambda;

import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.observability.RequestIds;
import io.micronaut.context.ApplicationContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses an event whose headers no single HTTP/1.1 request could carry, before micronaut-aws reads
 * it, with the envelope the container's front door answers for the same request: a name that is not
 * a token, or CR, LF, NUL or another control character but tab in a value (400
 * {@code malformed_request}; Micronaut's header map would throw where no error handler sees it and
 * leave an empty 500), and two different {@code Host} values in a REST API's
 * {@code multiValueHeaders} (400 {@code duplicate_host}; API Gateway sets {@code Host} itself, so
 * only a forged event has two).
 */
final class EventHeaders {

    private EventHeaders() {
    }

    /**
     * @param context the application context
     * @param single  the event's single-value headers, or {@code null}
     * @param multi   the event's multi-value headers, or {@code null}
     * @return the refusal, or {@code null} when every header can be carried
     */
    static Refusal check(ApplicationContext context, Map<String, String> single, Map<String, List<String>> multi) {
        if (single != null) {
            for (Map.Entry<String, String> header : single.entrySet()) {
                if (!token(header.getKey()) || !fieldValue(header.getValue())) {
                    return refusal(context, "The request carries a header that is not valid HTTP.", "malformed_request");
                }
            }
        }
        if (multi != null) {
            for (Map.Entry<String, List<String>> header : multi.entrySet()) {
                List<String> values = header.getValue() == null ? List.of() : header.getValue();
                if (!token(header.getKey()) || !values.stream().allMatch(EventHeaders::fieldValue)) {
                    return refusal(context, "The request carries a header that is not valid HTTP.", "malformed_request");
                }
                if ("host".equalsIgnoreCase(header.getKey()) && values.stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().count() > 1) {
                    return refusal(context, "The request has more than one Host header.", "duplicate_host");
                }
            }
        }
        return null;
    }

    private static Refusal refusal(ApplicationContext context, String message, String reason) {
        String requestId = RequestIds.resolve(null);
        byte[] json = context.getBean(ErrorResponses.class).json(requestId, ErrorCode.BAD_REQUEST, message,
            Map.of("reason", reason));
        int status = ErrorCode.BAD_REQUEST.status().getCode();
        return new Refusal(status, new String(json, StandardCharsets.UTF_8), RefusalHeaders.of(context, status, Map.of(
            "Content-Type", "application/json",
            RequestIds.HEADER, requestId,
            "X-API-Version", context.getBean(GatewayConfiguration.class).getApiVersion())));
    }

    /**
     * A refusal to put into the payload's response.
     *
     * @param status  the status
     * @param body    the envelope
     * @param headers the response headers
     */
    record Refusal(int status, String body, Map<String, String> headers) {
    }

    /**
     * @param name a header name from an event
     * @return whether it is a token (RFC 9110 5.1), the only thing a field name can be
     */
    static boolean token(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean tchar = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param value a header value from an event, or {@code null}
     * @return whether it holds no control character other than tab (RFC 9110 5.5); {@code null} passes
     */
    static boolean fieldValue(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
