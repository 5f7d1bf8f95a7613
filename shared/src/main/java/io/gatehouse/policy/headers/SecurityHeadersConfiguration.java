package io.gatehouse.policy.headers;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The security headers every response carries, under {@code gateway.security-headers.*}. A header
 * set to {@code false} (or blank) is not sent by the gateway; a route's {@code security-headers}
 * key changes single headers for that route.
 */
@ConfigurationProperties(SecurityHeadersConfiguration.PREFIX)
public class SecurityHeadersConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.security-headers";

    /** Security headers are on by default. */
    public static final boolean DEFAULT_ENABLED = true;

    /** Browsers must not guess a response's type from its bytes. */
    public static final String DEFAULT_CONTENT_TYPE_OPTIONS = "nosniff";

    /** No page may frame a response (legacy header; CSP {@code frame-ancestors} is its successor). */
    public static final String DEFAULT_FRAME_OPTIONS = "DENY";

    /** No page may frame a response; nothing else is restricted, since the gateway does not know what a page loads. */
    public static final String DEFAULT_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'";

    /**
     * No {@code Referer} leaves a page the gateway served: an API's URLs may carry ids and tokens,
     * and {@code strict-origin-when-cross-origin} is already every current browser's default, so
     * setting it would add nothing.
     */
    public static final String DEFAULT_REFERRER_POLICY = "no-referrer";

    /** One year, subdomains included, over TLS only; {@code preload} is left to the operator (it is hard to undo). */
    public static final String DEFAULT_STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

    private boolean enabled = DEFAULT_ENABLED;
    private String contentTypeOptions = DEFAULT_CONTENT_TYPE_OPTIONS;
    private String frameOptions = DEFAULT_FRAME_OPTIONS;
    private String contentSecurityPolicy = DEFAULT_CONTENT_SECURITY_POLICY;
    private String referrerPolicy = DEFAULT_REFERRER_POLICY;
    private String strictTransportSecurity = DEFAULT_STRICT_TRANSPORT_SECURITY;
    private String server;

    /**
     * Whether the gateway sets security headers and hides the {@code Server} header at all. Default
     * {@value #DEFAULT_ENABLED}.
     *
     * @return whether they are on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether they are on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * {@code X-Content-Type-Options}. Default {@value #DEFAULT_CONTENT_TYPE_OPTIONS}.
     *
     * @return the value, or {@code false}/blank for none
     */
    public String getContentTypeOptions() {
        return contentTypeOptions;
    }

    /**
     * @param contentTypeOptions the value, or {@code false}/blank for none
     */
    public void setContentTypeOptions(String contentTypeOptions) {
        this.contentTypeOptions = contentTypeOptions;
    }

    /**
     * {@code X-Frame-Options}: {@code DENY} or {@code SAMEORIGIN}. Default {@value #DEFAULT_FRAME_OPTIONS}.
     *
     * @return the value, or {@code false}/blank for none
     */
    public String getFrameOptions() {
        return frameOptions;
    }

    /**
     * @param frameOptions the value, or {@code false}/blank for none
     */
    public void setFrameOptions(String frameOptions) {
        this.frameOptions = frameOptions;
    }

    /**
     * {@code Content-Security-Policy}, added beside an upstream's own (browsers enforce every
     * policy a response carries, so the gateway's can only tighten the upstream's). Default
     * {@value #DEFAULT_CONTENT_SECURITY_POLICY}.
     *
     * @return the value, or {@code false}/blank for none
     */
    public String getContentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /**
     * @param contentSecurityPolicy the value, or {@code false}/blank for none
     */
    public void setContentSecurityPolicy(String contentSecurityPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /**
     * {@code Referrer-Policy}. Default {@value #DEFAULT_REFERRER_POLICY}.
     *
     * @return the value, or {@code false}/blank for none
     */
    public String getReferrerPolicy() {
        return referrerPolicy;
    }

    /**
     * @param referrerPolicy the value, or {@code false}/blank for none
     */
    public void setReferrerPolicy(String referrerPolicy) {
        this.referrerPolicy = referrerPolicy;
    }

    /**
     * {@code Strict-Transport-Security}, sent only when the client reached the gateway over TLS (the
     * connection is TLS, or a trusted proxy says {@code X-Forwarded-Proto: https}; always on
     * Lambda, behind API Gateway's HTTPS endpoints). Default {@value #DEFAULT_STRICT_TRANSPORT_SECURITY}.
     *
     * @return the value, or {@code false}/blank for none
     */
    public String getStrictTransportSecurity() {
        return strictTransportSecurity;
    }

    /**
     * @param strictTransportSecurity the value, or {@code false}/blank for none
     */
    public void setStrictTransportSecurity(String strictTransportSecurity) {
        this.strictTransportSecurity = strictTransportSecurity;
    }

    /**
     * The {@code Server} header every response carries instead of the upstream's. Unset by default:
     * the upstream's {@code Server} and {@code X-Powered-By} (which name products and versions) are
     * removed and none is sent.
     *
     * @return the value, or {@code null} for none
     */
    public @Nullable String getServer() {
        return server;
    }

    /**
     * @param server the value, or {@code null}/blank for none
     */
    public void setServer(@Nullable String server) {
        this.server = server;
    }

    /**
     * @param header a header
     * @return its configured value
     */
    String value(SecurityHeader header) {
        return switch (header) {
            case CONTENT_TYPE_OPTIONS -> contentTypeOptions;
            case FRAME_OPTIONS -> frameOptions;
            case CONTENT_SECURITY_POLICY -> contentSecurityPolicy;
            case REFERRER_POLICY -> referrerPolicy;
            case STRICT_TRANSPORT_SECURITY -> strictTransportSecurity;
        };
    }
}
