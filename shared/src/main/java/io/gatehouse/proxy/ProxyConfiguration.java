package io.gatehouse.proxy;

import io.micronaut.context.annotation.ConfigurationProperties;

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

    private boolean trustForwardedHeaders = DEFAULT_TRUST_FORWARDED_HEADERS;
    private int maxBufferedBody = DEFAULT_MAX_BUFFERED_BODY;

    /**
     * Whether {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}, {@code -Prefix} and
     * {@code Forwarded} from the caller are kept, this hop appended to the chains (set it when a
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
     * The largest request or response body a buffering engine (Lambda) holds, in bytes; larger
     * ones are refused with 413 or 502. Default {@value #DEFAULT_MAX_BUFFERED_BODY} (Lambda's own
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
