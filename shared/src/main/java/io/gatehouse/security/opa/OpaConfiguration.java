package io.gatehouse.security.opa;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The decision service routes with {@code authorization.opa} ask, under {@code gateway.opa.*}.
 * {@code application.yml} sets {@code url: ${OPA_URL:}}, so {@code OPA_URL} (the variable OPA's
 * own tooling uses) and {@code GATEWAY_OPA_URL} both set it.
 */
@ConfigurationProperties(OpaConfiguration.PREFIX)
public class OpaConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.opa";

    /** A decision is on the request's path: it must be quick or not at all. */
    public static final int DEFAULT_TIMEOUT_MILLIS = 500;

    /** Fail closed, as Envoy's ext_authz does by default. */
    public static final boolean DEFAULT_FAILURE_MODE_ALLOW = false;

    /**
     * The headers that carry the caller's credentials: a bearer token or basic credentials, the
     * same for a proxy, and the session cookie (the whole {@code Cookie} header, since one line
     * holds every cookie). The API key header ({@code gateway.api-keys.header}) is redacted on top
     * of this list, whatever it says.
     */
    public static final List<String> DEFAULT_REDACT_HEADERS = List.of("authorization", "proxy-authorization", "cookie");

    /**
     * Query parameters that carry secrets by convention: OAuth tokens in the URI (RFC 6750 §2.3's
     * {@code access_token}, and {@code id_token}, {@code refresh_token} by the same habit), a client
     * secret, API keys ({@code api_key}, {@code apikey}), a generic {@code token} or
     * {@code password}, and the secret parts of an S3 pre-signed URL. Not {@code key} or
     * {@code code}: too often plain data (an object key, a country code) for a policy to lose.
     */
    public static final List<String> DEFAULT_REDACT_QUERY_PARAMS = List.of("access_token", "id_token", "refresh_token",
        "client_secret", "api_key", "apikey", "token", "password", "x-amz-security-token", "x-amz-signature");

    /** Keep secrets out of the input, and so out of the decision service's decision logs. */
    public static final boolean DEFAULT_FORWARD_CREDENTIALS = false;

    private String url;
    private Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
    private boolean failureModeAllow = DEFAULT_FAILURE_MODE_ALLOW;
    private List<String> redactHeaders = DEFAULT_REDACT_HEADERS;
    private List<String> redactQueryParams = DEFAULT_REDACT_QUERY_PARAMS;
    private boolean forwardCredentials = DEFAULT_FORWARD_CREDENTIALS;

    /**
     * The decision service's base URL, such as {@code http://127.0.0.1:8181}; the gateway posts to
     * {@code <url>/v1/data/<path>}. Unset by default: a route that asks for a decision is then
     * refused (503), whatever its failure mode, since nothing was ever there to fail.
     *
     * @return the base URL without a trailing {@code /}, or {@code null}
     */
    public String getUrl() {
        return url;
    }

    /**
     * @param url the base URL; blank unsets it
     */
    public void setUrl(String url) {
        String trimmed = url == null ? "" : url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        this.url = trimmed.isEmpty() ? null : trimmed;
    }

    /**
     * How long one decision may take, connection included; a slower one is a failure. Default
     * {@value #DEFAULT_TIMEOUT_MILLIS} ms.
     *
     * @return the timeout
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * @param timeout the timeout
     */
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Whether a request goes on when the decision service cannot be reached, times out or answers
     * something that is not a decision (Envoy's {@code failure_mode_allow}). A route's
     * {@code authorization.opa.failure-mode-allow} overrides it. Default
     * {@value #DEFAULT_FAILURE_MODE_ALLOW}: such a request is refused with 503.
     *
     * @return whether to fail open
     */
    public boolean isFailureModeAllow() {
        return failureModeAllow;
    }

    /**
     * @param failureModeAllow whether to fail open
     */
    public void setFailureModeAllow(boolean failureModeAllow) {
        this.failureModeAllow = failureModeAllow;
    }

    /**
     * Headers whose value the decision service is shown as {@value OpaInput#REDACTED} instead of
     * what the client sent: the policy sees that the header was there, never its secret (OPA's
     * decision log records the whole input). Names are case-insensitive. The list replaces the
     * default, so keep its names when adding one. The API key header is redacted as well, whatever
     * this says. Default {@code [authorization, proxy-authorization, cookie]}
     * ({@link #DEFAULT_REDACT_HEADERS}).
     *
     * @return the header names, lower case
     */
    public List<String> getRedactHeaders() {
        return redactHeaders;
    }

    /**
     * @param redactHeaders the header names; {@code null} restores the default
     */
    public void setRedactHeaders(List<String> redactHeaders) {
        this.redactHeaders = redactHeaders == null ? DEFAULT_REDACT_HEADERS : names(redactHeaders);
    }

    /**
     * Query parameters whose every value the decision service is shown as
     * {@value OpaInput#REDACTED}. Names are case-insensitive. The list replaces the default. Default
     * {@code [access_token, id_token, refresh_token, client_secret, api_key, apikey, token, password,
     * x-amz-security-token, x-amz-signature]} ({@link #DEFAULT_REDACT_QUERY_PARAMS}).
     *
     * @return the parameter names, lower case
     */
    public List<String> getRedactQueryParams() {
        return redactQueryParams;
    }

    /**
     * @param redactQueryParams the parameter names; {@code null} restores the default
     */
    public void setRedactQueryParams(List<String> redactQueryParams) {
        this.redactQueryParams = redactQueryParams == null ? DEFAULT_REDACT_QUERY_PARAMS : names(redactQueryParams);
    }

    /**
     * Whether the decision service is shown the credentials as the client sent them: nothing is
     * redacted, neither {@link #getRedactHeaders()} nor {@link #getRedactQueryParams()} nor the API
     * key header. Only for a policy that verifies or decodes the token itself; every token, API key
     * and session cookie then ends up in the decision service's decision logs. A route's
     * {@code authorization.opa.forward-credentials} overrides it. Default
     * {@value #DEFAULT_FORWARD_CREDENTIALS}.
     *
     * @return whether to forward credentials unredacted
     */
    public boolean isForwardCredentials() {
        return forwardCredentials;
    }

    /**
     * @param forwardCredentials whether to forward credentials unredacted
     */
    public void setForwardCredentials(boolean forwardCredentials) {
        this.forwardCredentials = forwardCredentials;
    }

    private static List<String> names(List<String> names) {
        return names.stream().filter(Objects::nonNull).map(name -> name.trim().toLowerCase(Locale.ROOT))
            .filter(name -> !name.isEmpty()).distinct().toList();
    }
}
