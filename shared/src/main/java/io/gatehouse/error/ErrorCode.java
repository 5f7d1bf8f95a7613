package io.gatehouse.error;

import io.micronaut.http.HttpStatus;

/**
 * The machine-readable error codes of the envelope, each with the HTTP status it is sent with.
 */
public enum ErrorCode {
    /** The request is malformed in a way no more specific code describes. */
    BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad_request"),
    /** The request body is not valid JSON, or does not fit the expected shape. */
    INVALID_JSON(HttpStatus.BAD_REQUEST, "invalid_json"),
    /** A parameter, header or body field failed validation. */
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "validation_failed"),
    /** The request path cannot be made unambiguous (see the path normalisation rule). */
    INVALID_PATH(HttpStatus.BAD_REQUEST, "invalid_path"),
    /** No or invalid credentials. */
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized"),
    /** Valid credentials that may not do this. */
    FORBIDDEN(HttpStatus.FORBIDDEN, "forbidden"),
    /** No route or resource at this path. */
    NOT_FOUND(HttpStatus.NOT_FOUND, "not_found"),
    /** The path exists, the method does not. */
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed"),
    /** None of the accepted media types can be produced. */
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "not_acceptable"),
    /** The client did not send its request head, or its body, within the gateway's deadline. */
    REQUEST_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, "request_timeout"),
    /** The resource changed under the request. */
    CONFLICT(HttpStatus.CONFLICT, "conflict"),
    /** The body is larger than the gateway accepts. */
    PAYLOAD_TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large"),
    /** The request line (and so its target) is longer than the gateway reads. */
    URI_TOO_LONG(HttpStatus.REQUEST_URI_TOO_LONG, "uri_too_long"),
    /** The body's media type is not accepted here. */
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    /** The request is well-formed but cannot be processed as sent (an Idempotency-Key reused with another request). */
    UNPROCESSABLE_CONTENT(HttpStatus.UNPROCESSABLE_ENTITY, "unprocessable_content"),
    /** The caller exceeded a rate limit or quota. */
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "rate_limited"),
    /** The request's header section is larger than the gateway reads. */
    HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large"),
    /** The gateway failed in a way it did not expect. */
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error"),
    /** This runtime does not serve the feature. */
    NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED, "not_implemented"),
    /** The upstream could not be reached or answered nonsense. */
    BAD_GATEWAY(HttpStatus.BAD_GATEWAY, "bad_gateway"),
    /** No healthy upstream, an open circuit, or the gateway itself is not ready. */
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable"),
    /**
     * The gateway itself is out of a local resource (open files, connections, ephemeral ports),
     * not the upstream; sent with {@code Retry-After}.
     */
    OVERLOADED(HttpStatus.SERVICE_UNAVAILABLE, "overloaded"),
    /** The upstream did not answer in time. */
    GATEWAY_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "gateway_timeout"),
    /** The request's HTTP major version is not 1 (on an HTTP/1.1 connection). */
    HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "http_version_not_supported");

    private final HttpStatus status;
    private final String code;

    ErrorCode(HttpStatus status, String code) {
        this.status = status;
        this.code = code;
    }

    /**
     * @return the HTTP status this code is sent with
     */
    public HttpStatus status() {
        return status;
    }

    /**
     * @return the code as it appears in the envelope
     */
    public String code() {
        return code;
    }

    /**
     * The general code for a status, used when the framework reports an error by status alone.
     *
     * @param status an HTTP status code
     * @return the code as it appears in the envelope, {@code http_<status>} for unusual ones
     */
    public static String codeFor(int status) {
        for (ErrorCode value : values()) {
            if (value.status.getCode() == status) {
                return value.code;
            }
        }
        return "http_" + status;
    }
}
