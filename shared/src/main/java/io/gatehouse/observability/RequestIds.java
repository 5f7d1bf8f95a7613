package io.gatehouse.observability;

import io.micronaut.http.HttpRequest;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The request id of a request: the caller's {@code X-Request-ID} when it is 1–128 characters of
 * {@code [A-Za-z0-9._-]}, otherwise a new random UUID. Resolved once per request and kept as a
 * request attribute, so the response header, the error envelope and the logs agree.
 */
public final class RequestIds {

    /** The header that carries the request id, in and out. */
    public static final String HEADER = "X-Request-ID";

    /** The request attribute under which the resolved id is kept. */
    public static final String ATTRIBUTE = "gatehouse.request-id";

    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RequestIds() {
    }

    /**
     * The request id of this request, resolving and remembering it on first use.
     *
     * @param request the request
     * @return its id
     */
    public static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String id = resolve(request.getHeaders().get(HEADER));
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }

    /**
     * @param incoming the caller's header value, or {@code null}
     * @return the incoming value when acceptable, otherwise a new UUID
     */
    public static String resolve(String incoming) {
        if (incoming != null && ACCEPTED.matcher(incoming).matches()) {
            return incoming;
        }
        return UUID.randomUUID().toString();
    }
}
