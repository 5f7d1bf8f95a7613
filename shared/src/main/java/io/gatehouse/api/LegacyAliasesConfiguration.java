package io.gatehouse.api;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.util.Map;

/**
 * The gateway's unversioned legacy aliases, each switchable under {@code gateway.legacy-aliases.*}.
 * An alias switched off has no endpoint, so the gateway no longer owns its path and a route of the
 * table may take it (a backend's own {@code /health}, say). The versioned endpoints stay.
 */
@ConfigurationProperties(LegacyAliasesConfiguration.PREFIX)
public class LegacyAliasesConfiguration {

    /** The prefix of these settings. */
    public static final String PREFIX = "gateway.legacy-aliases";

    /** The switch of {@code GET /health}, the alias of {@code GET /v1/health}. */
    public static final String HEALTH = PREFIX + ".health";

    /** The switch of {@code GET /openapi.json}, the alias of {@code GET /v1/openapi.json}. */
    public static final String OPENAPI = PREFIX + ".openapi";

    /**
     * The switch of the agent platform gateway's {@code /session/*} paths, aliases of
     * {@code /v1/session/*} ({@code io.gatehouse.conversation.LegacySessionController}).
     */
    public static final String SESSIONS = PREFIX + ".sessions";

    /**
     * The switch of {@code POST /feedback} and {@code GET /feedback/stats}, the SSO gateway's
     * aliases of {@code /v1/feedback} and {@code /v1/feedback/stats}.
     */
    public static final String FEEDBACK = PREFIX + ".feedback";

    /**
     * Each alias's path (as its route template) and the switch that gives it up, so that a route
     * losing the path is told how to take it ({@link ShadowedRoutes}). An alias added later is
     * listed here with its switch.
     */
    public static final Map<String, String> SWITCHES = Map.of(
        "/health", HEALTH,
        "/openapi.json", OPENAPI,
        "/session/message", SESSIONS,
        "/session/action", SESSIONS,
        "/session/{id}/events", SESSIONS,
        "/feedback", FEEDBACK,
        "/feedback/stats", FEEDBACK);

    /** By default {@code GET /health} answers as {@code GET /v1/health} does. */
    public static final boolean DEFAULT_HEALTH = true;

    /** By default {@code GET /openapi.json} answers as {@code GET /v1/openapi.json} does. */
    public static final boolean DEFAULT_OPENAPI = true;

    /** By default {@code /feedback} and {@code /feedback/stats} answer as {@code /v1/feedback} and its stats do. */
    public static final boolean DEFAULT_FEEDBACK = true;

    private boolean health = DEFAULT_HEALTH;
    private boolean openapi = DEFAULT_OPENAPI;
    private boolean feedback = DEFAULT_FEEDBACK;

    /**
     * Whether {@code GET /health} is served (same report and status as {@code GET /v1/health}).
     * Default {@value #DEFAULT_HEALTH}. Off: the gateway no longer owns {@code /health}, and a route
     * whose path matches it is proxied.
     *
     * @return whether the alias is served
     */
    public boolean isHealth() {
        return health;
    }

    /**
     * @param health whether the alias is served
     */
    public void setHealth(boolean health) {
        this.health = health;
    }

    /**
     * Whether {@code GET /openapi.json} is served (the document of {@code GET /v1/openapi.json}).
     * Default {@value #DEFAULT_OPENAPI}. Off: the gateway no longer owns {@code /openapi.json}, and a
     * route whose path matches it is proxied.
     *
     * @return whether the alias is served
     */
    public boolean isOpenapi() {
        return openapi;
    }

    /**
     * @param openapi whether the alias is served
     */
    public void setOpenapi(boolean openapi) {
        this.openapi = openapi;
    }

    /**
     * Whether {@code POST /feedback} and {@code GET /feedback/stats} are served (the same bodies,
     * answers and access as {@code /v1/feedback} and {@code /v1/feedback/stats}). Default
     * {@value #DEFAULT_FEEDBACK}. Off: the gateway no longer owns {@code /feedback}, and a route
     * whose path matches it is proxied.
     *
     * @return whether the alias is served
     */
    public boolean isFeedback() {
        return feedback;
    }

    /**
     * @param feedback whether the alias is served
     */
    public void setFeedback(boolean feedback) {
        this.feedback = feedback;
    }
}
