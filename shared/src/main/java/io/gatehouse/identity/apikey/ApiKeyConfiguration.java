package io.gatehouse.identity.apikey;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * API keys, under {@code gateway.api-keys.*}.
 */
@ConfigurationProperties(ApiKeyConfiguration.PREFIX)
public class ApiKeyConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.api-keys";

    /** The default request header that carries an API key. */
    public static final String DEFAULT_HEADER = "X-API-Key";

    /** The default prefix of every key the gateway creates, so that a leaked key is recognisable. */
    public static final String DEFAULT_KEY_PREFIX = "gh_";

    private String header = DEFAULT_HEADER;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    /**
     * The request header a client presents its key in. Default {@value #DEFAULT_HEADER}.
     *
     * @return the header name
     */
    public String getHeader() {
        return header;
    }

    /**
     * @param header the header name; blank keeps the default
     */
    public void setHeader(String header) {
        this.header = header == null || header.isBlank() ? DEFAULT_HEADER : header.trim();
    }

    /**
     * The prefix of created keys: {@code <prefix><key id>_<secret>}. Default
     * {@value #DEFAULT_KEY_PREFIX}.
     *
     * @return the prefix
     */
    public String getKeyPrefix() {
        return keyPrefix;
    }

    /**
     * @param keyPrefix the prefix of created keys
     */
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    }
}
