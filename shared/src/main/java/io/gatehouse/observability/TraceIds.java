package io.gatehouse.observability;

import io.gatehouse.policy.PolicyExchange;
import io.micronaut.core.annotation.Nullable;

/**
 * The trace id of a request, for the access log: the one tracing recorded on the exchange
 * ({@link #ATTRIBUTE}), else the one of a valid W3C {@code traceparent} the client sent.
 */
public final class TraceIds {

    /** The exchange attribute holding the trace id of the request's server span. */
    public static final String ATTRIBUTE = "gatehouse.trace-id";

    private TraceIds() {
    }

    /**
     * @param exchange an exchange
     * @return its trace id (32 lower-case hex digits), or {@code null}
     */
    public static @Nullable String of(PolicyExchange exchange) {
        Object recorded = exchange.attribute(ATTRIBUTE);
        if (recorded instanceof String id) {
            return id;
        }
        return fromTraceparent(exchange.request().header("traceparent"));
    }

    /**
     * @param traceparent a {@code traceparent} header value, or {@code null}
     * @return its trace id when the value is well-formed and the id not all zeros, else {@code null}
     */
    public static @Nullable String fromTraceparent(@Nullable String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-'
            || traceparent.charAt(52) != '-') {
            return null;
        }
        String id = traceparent.substring(3, 35);
        boolean nonZero = false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
            nonZero |= c != '0';
        }
        return nonZero ? id : null;
    }
}
