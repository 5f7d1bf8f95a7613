package io.gatehouse.proxy;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.Map;

/**
 * Settings of the proxy engines, under {@code gateway.proxy.*}.
 */
@ConfigurationProperties(ProxyConfiguration.PREFIX)
public class ProxyConfiguration {

    /** The prefix of the proxy settings. */
    public static final String PREFIX = "gateway.proxy";

    /** By default the client's X-Forwarded-For/-Proto/-Host/-Prefix and Forwarded are replaced, not trusted. */
    public static final boolean DEFAULT_TRUST_FORWARDED_HEADERS = false;

    /** The default largest buffered body, in bytes, where bodies are buffered (Lambda). */
    public static final int DEFAULT_MAX_BUFFERED_BODY = 6 * 1024 * 1024;

    /** The default largest request body, in bytes, on every engine. */
    public static final long DEFAULT_MAX_REQUEST_BODY = 10L * 1024 * 1024;

    private boolean trustForwardedHeaders = DEFAULT_TRUST_FORWARDED_HEADERS;
    private int maxBufferedBody = DEFAULT_MAX_BUFFERED_BODY;
    private long maxRequestBody = DEFAULT_MAX_REQUEST_BODY;

    /**
     * Whether {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Prefix},
     * {@code Forwarded} and {@code X-Real-IP} from the caller are kept, this hop appended to the chains (set it when a
     * trusted load balancer or API Gateway is in front); otherwise they are replaced. Default
     * {@value #DEFAULT_TRUST_FORWARDED_HEADERS}.
     *
     * @return whether forwarded headers are trusted
     */
    public boolean isTrustForwardedHeaders() {
        return trustForwardedHeaders;
    }

    /**
     * @param trustForwardedHeaders whether forwarded headers are trusted
     */
    public void setTrustForwardedHeaders(boolean trustForwardedHeaders) {
        this.trustForwardedHeaders = trustForwardedHeaders;
    }

    /**
     * The largest request body a routed request may have, in bytes, on every engine; a larger one
     * is refused with 413 {@code payload_too_large}: at once when its {@code Content-Length} says
     * so, otherwise as soon as the bytes received cross it (the streaming engine then closes the
     * connection). Default {@value #DEFAULT_MAX_REQUEST_BODY} (10 MiB).
     *
     * @return the limit in bytes
     */
    public long getMaxRequestBody() {
        return maxRequestBody;
    }

    /**
     * @param maxRequestBody the limit in bytes
     */
    public void setMaxRequestBody(long maxRequestBody) {
        this.maxRequestBody = Math.max(0, maxRequestBody);
    }

    /**
     * @return the request body limit of a buffering engine: the smaller of
     *     {@link #getMaxRequestBody()} and {@link #getMaxBufferedBody()}
     */
    public long bufferedRequestLimit() {
        return Math.min(maxRequestBody, maxBufferedBody);
    }

    /**
     * @param limit the limit crossed, in bytes
     * @return the 413 the client gets
     */
    public static GatewayException bodyTooLarge(long limit) {
        return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than the " + limit
            + " bytes the gateway accepts.", Map.of("limit_bytes", limit), Map.of());
    }

    /**
     * The largest request or response body a buffering engine (Lambda) holds, in bytes; larger
     * ones are refused with 413 or 502 (requests: the smaller of this and
     * {@link #getMaxRequestBody()}). Default {@value #DEFAULT_MAX_BUFFERED_BODY} (Lambda's own
     * payload limit).
     *
     * @return the limit in bytes
     */
    public int getMaxBufferedBody() {
        return maxBufferedBody;
    }

    /**
     * @param maxBufferedBody the limit in bytes
     */
    public void setMaxBufferedBody(int maxBufferedBody) {
        this.maxBufferedBody = maxBufferedBody;
    }
}
