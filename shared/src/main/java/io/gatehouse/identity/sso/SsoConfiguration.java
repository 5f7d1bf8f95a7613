package io.gatehouse.identity.sso;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * The OIDC login, under {@code gateway.sso.*}. The providers themselves are
 * {@code gateway.sso.providers.<id>.*} ({@link SsoProviderConfiguration}) and those added through
 * {@code /admin/sso-providers}.
 */
@ConfigurationProperties(SsoConfiguration.PREFIX)
public class SsoConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.sso";

    /** How long a login may take between the redirect to the provider and the callback, in seconds. */
    public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 600;

    /** How long a provider's discovery document is cached, in seconds. */
    public static final int DEFAULT_DISCOVERY_REFRESH_SECONDS = 3600;

    /** The time allowed for one request to a provider (discovery, JWKS, token endpoint), in milliseconds. */
    public static final int DEFAULT_HTTP_TIMEOUT_MILLIS = 5000;

    private String redirectBaseUrl;
    private Duration loginTimeout = Duration.ofSeconds(DEFAULT_LOGIN_TIMEOUT_SECONDS);
    private Duration discoveryRefresh = Duration.ofSeconds(DEFAULT_DISCOVERY_REFRESH_SECONDS);
    private Duration httpTimeout = Duration.ofMillis(DEFAULT_HTTP_TIMEOUT_MILLIS);

    /**
     * The public base URL of the gateway, such as {@code https://api.example.com} (a path such as
     * {@code https://example.com/gw} is kept): the callback is {@code <base>/v1/auth/callback/<id>}.
     * Unset by default: the base is the request's scheme and {@code Host} (or
     * {@code X-Forwarded-Proto}, {@code -Host} and {@code -Prefix} when
     * {@code gateway.proxy.trust-forwarded-headers} is on). Set it on Lambda and behind proxies
     * that rewrite the host.
     *
     * @return the base URL, or {@code null}
     */
    public String getRedirectBaseUrl() {
        return redirectBaseUrl;
    }

    /**
     * @param redirectBaseUrl the base URL; blank means unset; a trailing {@code /} is dropped
     */
    public void setRedirectBaseUrl(String redirectBaseUrl) {
        String value = redirectBaseUrl == null || redirectBaseUrl.isBlank() ? null : redirectBaseUrl.trim();
        while (value != null && value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        this.redirectBaseUrl = value;
    }

    /**
     * How long the login state cookie lives. Default {@value #DEFAULT_LOGIN_TIMEOUT_SECONDS} seconds.
     *
     * @return the timeout
     */
    public Duration getLoginTimeout() {
        return loginTimeout;
    }

    /**
     * @param loginTimeout the timeout
     */
    public void setLoginTimeout(Duration loginTimeout) {
        this.loginTimeout = loginTimeout;
    }

    /**
     * How long a discovery document ({@code <issuer>/.well-known/openid-configuration}) is used
     * before it is fetched again. Default {@value #DEFAULT_DISCOVERY_REFRESH_SECONDS} seconds.
     *
     * @return the refresh interval
     */
    public Duration getDiscoveryRefresh() {
        return discoveryRefresh;
    }

    /**
     * @param discoveryRefresh the refresh interval
     */
    public void setDiscoveryRefresh(Duration discoveryRefresh) {
        this.discoveryRefresh = discoveryRefresh;
    }

    /**
     * The time allowed for one request to a provider. Default {@value #DEFAULT_HTTP_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getHttpTimeout() {
        return httpTimeout;
    }

    /**
     * @param httpTimeout the timeout
     */
    public void setHttpTimeout(Duration httpTimeout) {
        this.httpTimeout = httpTimeout;
    }
}
