package io.gatehouse.feedback;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.List;

/**
 * The feedback API under {@code gateway.feedback.*}: whether it is served, the field limits, and
 * which callers besides administrators may read the statistics. Who may post is decided as for the
 * session API ({@code gateway.conversations.auth}, {@code gateway.opa.url}). See docs/feedback.md.
 */
@ConfigurationProperties(FeedbackConfiguration.PREFIX)
public class FeedbackConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.feedback";

    /** The property that switches the feedback API off. */
    public static final String ENABLED = PREFIX + ".enabled";

    /** By default the feedback API is served. */
    public static final boolean DEFAULT_ENABLED = true;

    /** The default longest {@code title}, in characters. */
    public static final int DEFAULT_MAX_TITLE_LENGTH = 200;

    /** The default longest {@code description}, in characters. */
    public static final int DEFAULT_MAX_DESCRIPTION_LENGTH = 10_000;

    private boolean enabled = DEFAULT_ENABLED;
    private int maxTitleLength = DEFAULT_MAX_TITLE_LENGTH;
    private int maxDescriptionLength = DEFAULT_MAX_DESCRIPTION_LENGTH;
    private List<String> statsRoles = List.of();

    /**
     * Whether {@code POST /v1/feedback} and {@code GET /v1/feedback/stats} (and their legacy aliases)
     * are served. Default {@value #DEFAULT_ENABLED}.
     *
     * @return whether the API is served
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @param enabled whether the API is served
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The longest {@code title}, in characters; a longer one is refused with 400 naming the field.
     * Default {@value #DEFAULT_MAX_TITLE_LENGTH}.
     *
     * @return the limit
     */
    public int getMaxTitleLength() {
        return maxTitleLength;
    }

    /**
     * @param maxTitleLength the limit
     */
    public void setMaxTitleLength(int maxTitleLength) {
        this.maxTitleLength = maxTitleLength;
    }

    /**
     * The longest {@code description}, in characters; a longer one is refused with 400 naming the
     * field. Default {@value #DEFAULT_MAX_DESCRIPTION_LENGTH}.
     *
     * @return the limit
     */
    public int getMaxDescriptionLength() {
        return maxDescriptionLength;
    }

    /**
     * @param maxDescriptionLength the limit
     */
    public void setMaxDescriptionLength(int maxDescriptionLength) {
        this.maxDescriptionLength = maxDescriptionLength;
    }

    /**
     * Roles whose holders may read {@code GET /v1/feedback/stats} for their own tenant, admitted as
     * the session API admits a caller (and, with {@code gateway.opa.url} set, by the same decision).
     * Administrators ({@code gateway.admin.token}, {@code gateway.admin.roles}) may always read them.
     * Default none.
     *
     * @return the roles
     */
    public List<String> getStatsRoles() {
        return statsRoles;
    }

    /**
     * @param statsRoles the roles
     */
    public void setStatsRoles(List<String> statsRoles) {
        this.statsRoles = List.copyOf(statsRoles);
    }
}
