package io.gatehouse.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Settings that apply to the whole gateway, under {@code gateway.*}.
 */
@ConfigurationProperties(GatewayConfiguration.PREFIX)
public class GatewayConfiguration {

    /** The prefix of every gateway property. */
    public static final String PREFIX = "gateway";

    /** The default API version announced in {@code X-API-Version}. */
    public static final String DEFAULT_API_VERSION = "v1";

    private String apiVersion = DEFAULT_API_VERSION;

    /**
     * The API version sent in every response's {@code X-API-Version} header. Default
     * {@value #DEFAULT_API_VERSION}; the environment variable {@code GATEWAY_API_VERSION} sets it.
     *
     * @return the API version
     */
    public String getApiVersion() {
        return apiVersion;
    }

    /**
     * @param apiVersion the API version to announce; blank values keep the default
     */
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion == null || apiVersion.isBlank() ? DEFAULT_API_VERSION : apiVersion.trim();
    }
}
