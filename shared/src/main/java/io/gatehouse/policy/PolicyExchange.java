package io.gatehouse.policy;

import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.UpstreamIdentity;
import io.micronaut.core.annotation.Nullable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One request on its way through a {@link PolicyChain}, as every engine presents it: the request,
 * the route it matched, who the caller is once access admitted it, and the changes steps make to
 * the request the upstream receives. One exists per request; steps keep what later steps or their
 * own response side need in {@link #attribute attributes}.
 *
 * <p>It also carries what observability reads when the exchange is
 * {@link PolicyStep#completed completed}: when it started, the status that went out, the bytes
 * each way, and the upstream call (target, time to its response head), which the engines record.
 */
public final class PolicyExchange {

    /** The request attribute under which Micronaut's HTTP layer keeps a request's exchange. */
    public static final String ATTRIBUTE = "gatehouse.policy-exchange";

    /** The status recorded for a client that went away before any response went out (as nginx logs it). */
    public static final int CLIENT_CLOSED = 499;

    private static final VarHandle COMPLETED;

    static {
        try {
            COMPLETED = MethodHandles.lookup().findVarHandle(PolicyExchange.class, "completed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final @Nullable RouteMatch match;
    private final RequestView request;
    private final String requestId;
    private final String peerAddress;
    private final boolean tls;
    private final boolean trustForwarded;
    private GatewayPrincipal principal = GatewayPrincipal.ANONYMOUS;
    private byte[] requestBody;
    private Map<String, Object> attributes;
    private Set<String> removeHeaders;
    private Map<String, String> setHeaders;
    private List<Map.Entry<String, String>> addHeaders;
    private String upstreamPath;
    private String upstreamQuery;
    private boolean queryRewritten;
    private long maxRequestBody = -1;
    private long bodyCeiling = Long.MAX_VALUE;
    /** Index of the last step whose request side ran, for {@link PolicyChain#response}. */
    int ran = -1;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private String endpoint;
    private int status;
    private long bytesIn;
    private long bytesOut = -1;
    private boolean aborted;
    private long durationNanos = -1;
    private String upstreamTarget;
    private long upstreamStartNanos;
    private long upstreamNanos = -1;
    private boolean callOpen;
    private UpstreamObserver upstreamObserver;
    /** 1 once {@link PolicyChain#completed} ran; set atomically, as the end may race a client's departure. */
    @SuppressWarnings("unused")
    private volatile int completed;

    /**
     * @param match          the route the request matched, or {@code null} for the gateway's own endpoints
     * @param request        the request
     * @param requestId      the request id the gateway answers with
     * @param peerAddress    the address of the connection's other end (an IP address)
     * @param tls            whether the connection is TLS
     * @param trustForwarded whether {@code X-Forwarded-*} headers come from a trusted proxy
     */
    public PolicyExchange(@Nullable RouteMatch match, RequestView request, String requestId, String peerAddress, boolean tls,
                          boolean trustForwarded) {
        this.match = match;
        this.request = request;
        this.requestId = requestId;
        this.peerAddress = peerAddress;
        this.tls = tls;
        this.trustForwarded = trustForwarded;
    }

    /**
     * @return the route the request matched, or {@code null} for the gateway's own endpoints
     */
    public @Nullable RouteMatch match() {
        return match;
    }

    /**
     * @return the request as the client sent it (normalised path)
     */
    public RequestView request() {
        return request;
    }

    /**
     * @return the request id the gateway answers with
     */
    public String requestId() {
        return requestId;
    }

    /**
     * The client's address. With {@code gateway.proxy.trust-forwarded-headers} the peer is a trusted
     * proxy, and the client is the last {@code X-Forwarded-For} entry: the one that proxy appended.
     * Entries before it are what the client itself sent, which anyone can forge, so a limit
     * {@code by: ip} never keys on them. Otherwise, and when the header is absent, it is the peer.
     *
     * @return the client's address
     */
    public String clientIp() {
        if (trustForwarded) {
            List<String> lines = request.headers("X-Forwarded-For");
            if (!lines.isEmpty()) {
                String line = lines.getLast();
                String last = line.substring(line.lastIndexOf(',') + 1).trim();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        return peerAddress;
    }

    /**
     * @return whether the client reached the gateway over TLS: the connection is TLS, or a trusted
     *     proxy says so with {@code X-Forwarded-Proto: https}
     */
    public boolean secure() {
        return tls || trustForwarded && "https".equalsIgnoreCase(request.header("X-Forwarded-Proto"));
    }

    /**
     * @return the caller; {@link GatewayPrincipal#ANONYMOUS} until access admitted it, and on open routes
     */
    public GatewayPrincipal principal() {
        return principal;
    }

    /**
     * @param principal the caller access admitted
     */
    public void principal(GatewayPrincipal principal) {
        this.principal = principal;
    }

    /**
     * @return the request body, when a step of the chain {@link PolicyStep#needsRequestBody() needs it};
     *     otherwise {@code null}
     */
    public @Nullable byte[] requestBody() {
        return requestBody;
    }

    /**
     * Set by the engine before the chain runs, when the chain needs it.
     *
     * @param body the whole request body
     */
    public void requestBody(byte[] body) {
        this.requestBody = body;
    }

    /**
     * Sets the largest request body this request may have: a step that knows the route's limit
     * sets it on the way in, and the engine counts the body against it as it arrives. It never
     * rises above the engine's {@link #bodyCeiling(long) ceiling}.
     *
     * @param bytes the limit in bytes
     */
    public void limitRequestBody(long bytes) {
        this.maxRequestBody = Math.min(bytes, bodyCeiling);
    }

    /**
     * Set by an engine that holds whole bodies, before the chain runs: the most it holds, whatever
     * a route allows.
     *
     * @param bytes the ceiling in bytes
     */
    public void bodyCeiling(long bytes) {
        this.bodyCeiling = bytes;
    }

    /**
     * @param fallback the engine's own limit ({@code gateway.proxy.max-request-body})
     * @return the limit a step set, or {@code fallback} when none did
     */
    public long maxRequestBody(long fallback) {
        return maxRequestBody < 0 ? fallback : maxRequestBody;
    }

    /**
     * @param name a name, by convention the policy's
     * @return what a step kept under it, or {@code null}
     */
    public @Nullable Object attribute(String name) {
        return attributes == null ? null : attributes.get(name);
    }

    /**
     * @param name  a name, by convention the policy's
     * @param value what to keep
     */
    public void attribute(String name, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>(4);
        }
        attributes.put(name, value);
    }

    /**
     * Removes a header from the request the upstream receives: the client's values, and any value
     * an earlier step set or added.
     *
     * @param name its name, any case
     */
    public void removeUpstreamHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (removeHeaders == null) {
            removeHeaders = new LinkedHashSet<>(4);
        }
        removeHeaders.add(lower);
        if (setHeaders != null) {
            setHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(lower));
        }
        if (addHeaders != null) {
            addHeaders.removeIf(e -> e.getKey().equalsIgnoreCase(lower));
        }
    }

    /**
     * Sets a header of the request the upstream receives, replacing the client's values and any
     * value an earlier step set or added.
     *
     * @param name  its name
     * @param value its value
     */
    public void setUpstreamHeader(String name, String value) {
        removeUpstreamHeader(name);
        if (setHeaders == null) {
            setHeaders = new LinkedHashMap<>(4);
        }
        setHeaders.put(name, value);
    }

    /**
     * Adds a value to a header of the request the upstream receives, beside the values it has
     * (the client's, unless a step removed them, and those steps set or added).
     *
     * @param name  its name
     * @param value the value to add
     */
    public void addUpstreamHeader(String name, String value) {
        if (addHeaders == null) {
            addHeaders = new ArrayList<>(4);
        }
        addHeaders.add(Map.entry(name, value));
    }

    /**
     * Renames a header of the request the upstream receives: every value it has now moves to
     * {@code to}, replacing whatever {@code to} had. Nothing changes when {@code from} has no value.
     *
     * @param from the header's name, any case
     * @param to   its new name
     */
    public void renameUpstreamHeader(String from, String to) {
        List<String> values = upstreamHeaderValues(from);
        if (values.isEmpty()) {
            return;
        }
        removeUpstreamHeader(from);
        removeUpstreamHeader(to);
        for (String value : values) {
            addUpstreamHeader(to, value);
        }
    }

    /**
     * @param name a header name, any case
     * @return the values the upstream would receive for it after the changes steps made so far, in order
     */
    public List<String> upstreamHeaderValues(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>(2);
        if (removeHeaders == null || !removeHeaders.contains(lower)) {
            out.addAll(request.headers(name));
        }
        if (setHeaders != null) {
            setHeaders.forEach((k, v) -> {
                if (k.equalsIgnoreCase(lower)) {
                    out.add(v);
                }
            });
        }
        if (addHeaders != null) {
            for (Map.Entry<String, String> added : addHeaders) {
                if (added.getKey().equalsIgnoreCase(lower)) {
                    out.add(added.getValue());
                }
            }
        }
        return out;
    }

    /**
     * @return the header changes steps made, for the engine to apply to the upstream request:
     *     removals, then values set, then values added
     */
    public UpstreamIdentity upstreamHeaders() {
        if (removeHeaders == null && addHeaders == null) {
            return UpstreamIdentity.NONE;
        }
        return new UpstreamIdentity(removeHeaders == null ? Set.of() : Set.copyOf(removeHeaders),
            setHeaders == null ? Map.of() : Map.copyOf(setHeaders), addHeaders == null ? List.of() : List.copyOf(addHeaders));
    }

    /**
     * Replaces the path the upstream receives (after the route's own rewrite).
     *
     * @param path the path, starting with {@code /}, percent-encoded as it should go out
     */
    public void rewriteUpstreamPath(String path) {
        this.upstreamPath = path;
    }

    /**
     * @param computed the path the route's rewrite computed
     * @return the path to send upstream
     */
    public String upstreamPath(String computed) {
        return upstreamPath == null ? computed : upstreamPath;
    }

    /**
     * Replaces the query the upstream receives.
     *
     * @param rawQuery the raw query without {@code ?}, or {@code null} for none
     */
    public void rewriteUpstreamQuery(@Nullable String rawQuery) {
        this.upstreamQuery = rawQuery;
        this.queryRewritten = true;
    }

    /**
     * @param original the client's raw query, or {@code null}
     * @return the raw query to send upstream, or {@code null} for none
     */
    public @Nullable String upstreamQuery(@Nullable String original) {
        return queryRewritten ? upstreamQuery : original;
    }

    // ------------------------------------------------------------------ the outcome, for observability

    /**
     * @return {@link System#nanoTime()} when the engine took the request
     */
    public long startNanos() {
        return startNanos;
    }

    /**
     * @return the wall-clock time, in epoch milliseconds, when the engine took the request
     */
    public long startMillis() {
        return startMillis;
    }

    /**
     * @return the template of the gateway endpoint serving the request (such as {@code /v1/health}),
     *     or {@code null} on routes and for requests nothing serves
     */
    public @Nullable String endpoint() {
        return endpoint;
    }

    /**
     * Set by the engine for a request one of the gateway's own endpoints serves.
     *
     * @param template the endpoint's path template
     */
    public void endpoint(String template) {
        this.endpoint = template;
    }

    /**
     * @return the status of the response that went out (set when the response side runs), or
     *     {@value #CLIENT_CLOSED} once completed without one; 0 before
     */
    public int status() {
        return status;
    }

    void status(int code) {
        this.status = code;
    }

    /**
     * @return request body bytes received from the client, once completed
     */
    public long bytesIn() {
        return bytesIn;
    }

    /**
     * @return response body bytes sent to the client once completed, or {@code -1} when the engine
     *     cannot tell (a gateway endpoint's body that is encoded after the chain)
     */
    public long bytesOut() {
        return bytesOut;
    }

    /**
     * @return whether the exchange ended without a complete response: the client went away, or the
     *     response broke off after its head went out
     */
    public boolean aborted() {
        return aborted;
    }

    /**
     * @return nanoseconds from {@link #startNanos()} to completion, or {@code -1} before
     */
    public long durationNanos() {
        return durationNanos;
    }

    /**
     * @param observer told of each call to a target from now on (one per exchange; a later one replaces it)
     */
    public void observeUpstream(UpstreamObserver observer) {
        this.upstreamObserver = observer;
    }

    /**
     * Recorded by the engine at each attempt to call a target, before it is sent: the first attempt
     * starts the upstream clock, and the target named last is the one reported. A call still open
     * fails as {@code abandoned}.
     *
     * @param target    the target's URL
     * @param setHeader sets a header of this attempt's request, for the {@link UpstreamObserver}
     */
    public void upstreamCalled(String target, BiConsumer<String, String> setHeader) {
        if (callOpen) {
            upstreamFailed("abandoned");
        }
        if (upstreamTarget == null) {
            upstreamStartNanos = System.nanoTime();
        }
        upstreamTarget = target;
        callOpen = true;
        if (upstreamObserver != null) {
            upstreamObserver.calling(this, target, setHeader);
        }
    }

    /**
     * Recorded by the engine when the response head of the call arrived: it stops the upstream
     * clock. Nothing happens when no call is open.
     *
     * @param code the response's status
     */
    public void upstreamAnswered(int code) {
        if (!callOpen) {
            return;
        }
        callOpen = false;
        upstreamNanos = System.nanoTime() - upstreamStartNanos;
        if (upstreamObserver != null) {
            upstreamObserver.answered(this, code);
        }
    }

    /**
     * Recorded by the engine when the call ended without a response head: it stops the upstream
     * clock. Nothing happens when no call is open.
     *
     * @param reason why, as {@link UpstreamObserver#failed} lists
     */
    public void upstreamFailed(String reason) {
        if (!callOpen) {
            return;
        }
        callOpen = false;
        upstreamNanos = System.nanoTime() - upstreamStartNanos;
        if (upstreamObserver != null) {
            upstreamObserver.failed(this, reason);
        }
    }

    /**
     * @return the URL of the target last called, or {@code null} when the request reached no upstream
     */
    public @Nullable String upstreamTarget() {
        return upstreamTarget;
    }

    /**
     * @return nanoseconds from the first call to a target to the response head (or the failure) of
     *     the last one (retries and their backoff included), or {@code -1} without a call
     */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    /**
     * @return whether the exchange is over ({@link PolicyChain#completed} ran)
     */
    public boolean isCompleted() {
        return completed != 0;
    }

    /**
     * @return {@code true} for the first call only
     */
    boolean complete(long in, long out, boolean abort) {
        if (!COMPLETED.compareAndSet(this, 0, 1)) {
            return false;
        }
        upstreamFailed("aborted");
        this.durationNanos = System.nanoTime() - startNanos;
        this.bytesIn = in;
        this.bytesOut = out;
        this.aborted = abort || status == 0;
        if (status == 0) {
            status = CLIENT_CLOSED;
        }
        return true;
    }
}
