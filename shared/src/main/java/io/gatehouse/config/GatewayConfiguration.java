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

    /** The default name the gateway reports itself under in {@code /v1/health}. */
    public static final String DEFAULT_SERVICE_NAME = "gatehouse";

    private String apiVersion = DEFAULT_API_VERSION;
    private String serviceName = DEFAULT_SERVICE_NAME;
    private String environment;

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

    /**
     * The name this gateway reports itself under: {@code service} in {@code /v1/health}, so that
     * a monitor watching several deployments tells them apart. Default
     * {@value #DEFAULT_SERVICE_NAME}; {@code GATEWAY_SERVICE_NAME} sets it.
     *
     * @return the service name
     */
    public String getServiceName() {
        return serviceName;
    }

    /**
     * @param serviceName the service name; blank values keep the default
     */
    public void setServiceName(String serviceName) {
        this.serviceName = serviceName == null || serviceName.isBlank() ? DEFAULT_SERVICE_NAME : serviceName.trim();
    }

    /**
     * The deployment this gateway belongs to, such as {@code production} or {@code staging}:
     * {@code environment} in {@code /v1/health}. Unset by default, and then left out of the
     * report: Micronaut's active environments name the runtime ({@code container}, {@code lambda},
     * {@code test}), not the deployment, so none is guessed. {@code GATEWAY_ENVIRONMENT} sets it.
     *
     * @return the environment, or {@code null}
     */
    public String getEnvironment() {
        return environment;
    }

    /**
     * @param environment the environment; blank means unset
     */
    public void setEnvironment(String environment) {
        this.environment = environment == null || environment.isBlank() ? null : environment.trim();
    }
}
