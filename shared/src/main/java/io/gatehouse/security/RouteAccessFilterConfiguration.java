package io.gatehouse.security;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * Settings of {@code PolicyFilter}, under {@code gateway.route-access.*}.
 */
@ConfigurationProperties(RouteAccessFilterConfiguration.PREFIX)
public class RouteAccessFilterConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.route-access";

    /** The filter is on by default. */
    public static final boolean DEFAULT_ENABLED = true;

    private boolean enabled = DEFAULT_ENABLED;
    private String principalHeader;

    /**
     * Whether requests matched to a gateway route are checked in Micronaut's HTTP layer. Default
     * {@value #DEFAULT_ENABLED}; turn it off only where another engine calls {@link RouteAccess} itself.
     *
     * @return whether the filter is on
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the filter is on
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * A response header that names how an admitted request was authenticated, as
     * {@code <method> <subject>} (for example {@code jwt alice}). Unset by default, which sends no
     * such header; meant for tests and debugging, not for production.
     *
     * @return the header name, or {@code null}
     */
    public String getPrincipalHeader() {
        return principalHeader;
    }

    /**
     * @param principalHeader the header name; blank turns it off
     */
    public void setPrincipalHeader(String principalHeader) {
        this.principalHeader = principalHeader == null || principalHeader.isBlank() ? null : principalHeader.trim();
    }
}
