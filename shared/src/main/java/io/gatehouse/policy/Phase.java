package io.gatehouse.policy;

/**
 * Where a {@link Policy} runs in a route's {@link PolicyChain}. Request-side phases run in this
 * order until one answers; the upstream is called after {@link #REQUEST_TRANSFORM}; response-side
 * phases then run in this order on the response, whoever produced it.
 *
 * <pre>
 *  request ─► PREFLIGHT ─► ACCESS ─► LIMITS ─► VALIDATION ─► CACHE_LOOKUP ─► REQUEST_TRANSFORM ─► upstream
 *                                                                                                    │
 *  client ◄─ RESPONSE_HEADERS ◄─ RESPONSE_TRANSFORM ◄─ (CACHE_LOOKUP stores) ◄────────────────────────┘
 * </pre>
 *
 * <p>On the way out, the response side of every step runs in this same order, so a step of
 * {@link #CACHE_LOOKUP} stores the upstream's response before {@link #RESPONSE_TRANSFORM} changes
 * it. A stored response that is served again (a cache hit, a replayed idempotent response) then
 * passes the transforms once, exactly as a fresh one does; storing after the transforms would apply
 * them twice to a replay and keep one request's headers in what others receive.
 */
public enum Phase {

    /** A CORS preflight is answered here, before access: a browser sends no credential with it. */
    PREFLIGHT(false),
    /** Authentication and authorization ({@code auth}, {@code claims}, {@code authorization}, {@code tenant}). */
    ACCESS(false),
    /** Rate limits and quotas, counted for admitted callers. */
    LIMITS(false),
    /** Request validation (JSON Schema, content type); may read the request body. */
    VALIDATION(false),
    /**
     * A response cache or an idempotency record answering without the upstream; its response side
     * stores the upstream's response, before response transforms.
     */
    CACHE_LOOKUP(false),
    /** Changes to the request the upstream receives (headers, query, path). */
    REQUEST_TRANSFORM(false),
    /** Changes to the response the client receives. */
    RESPONSE_TRANSFORM(true),
    /** Headers every response of a route carries: CORS, security headers, rate-limit headers. */
    RESPONSE_HEADERS(true);

    private final boolean responseSide;

    Phase(boolean responseSide) {
        this.responseSide = responseSide;
    }

    /**
     * @return whether the phase works on the response only: its steps see every response of the
     *     route, answers of earlier steps and the gateway's own refusals included
     */
    public boolean responseSide() {
        return responseSide;
    }
}
