package io.gatehouse.container.proxy;

import io.gatehouse.policy.PolicyChain;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.UpstreamIdentity;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.proxy.ForwardingHeaders;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.runtime.LocalResources;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.upstream.FailureKind;
import io.gatehouse.upstream.Selection;
import io.gatehouse.upstream.TargetState;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One proxied HTTP request: chooses a target, streams the request to it over a pooled connection
 * and the response back, chunk by chunk, and reports the outcome to the {@link Selection} exactly
 * once. Everything runs on the client connection's event loop.
 *
 * <p>Timeouts: the route's {@code response} timeout runs from the moment the request head is sent
 * and restarts whenever a request body chunk is written, until the response head arrives; then the
 * {@code idle} timeout runs between reads of the response body. Retries happen only for idempotent
 * methods, only before any byte of the response reached the client, only while the request body
 * received so far fits the retry buffer, after a connect failure or a status in
 * {@code retries.on-statuses}, with exponential backoff, on another target when there is one.
 *
 * <p>Limits: the body limit is the route's ({@code request-limits}, set on the exchange by its
 * policy) or else {@code gateway.proxy.max-request-body}. A request whose {@code Content-Length}
 * exceeds it is answered 413 once the chain admitted it, before a byte of the body is read; a
 * chunked body is counted as it arrives and the exchange is abandoned (413 while no response
 * started, then the connection closes) when it crosses the limit. A connect that fails for want of a local resource ({@link LocalResources}) is answered
 * 503 {@code overloaded}, not retried, and never counts against the target.
 */
final class ProxyExchange implements UpstreamPool.Acquirer, UpstreamConnection.Owner {

    static final AsciiString X_REQUEST_ID = AsciiString.cached(RequestIds.HEADER);
    static final AsciiString X_API_VERSION = AsciiString.cached("X-API-Version");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached(ForwardingHeaders.X_FORWARDED_FOR);
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached(ForwardingHeaders.X_FORWARDED_PROTO);
    private static final AsciiString X_REAL_IP = AsciiString.cached(ForwardingHeaders.X_REAL_IP);
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached(ForwardingHeaders.X_FORWARDED_HOST);
    private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached(ForwardingHeaders.X_FORWARDED_PREFIX);
    private static final AsciiString FORWARDED = AsciiString.cached(ForwardingHeaders.FORWARDED);
    private static final AsciiString WEBSOCKET = AsciiString.cached("websocket");

    /** The message of a 502 after a connect failure. */
    static final String CONNECT_FAILED = "The upstream could not be reached.";
    /** The message of a 502 when the upstream closed without answering. */
    static final String MALFORMED_RESPONSE = "The upstream's response is not valid HTTP/1.1.";
    static final String UPSTREAM_CLOSED = "The upstream closed the connection without a complete response.";
    /** The message of a 504. */
    static final String TIMED_OUT = "The upstream did not answer in time.";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private enum State { CONNECTING, WAITING, STREAMING, DONE }

    private final ProxyConnectionHandler handler;
    private final ChannelHandlerContext ctx;
    private final StreamingProxy proxy;
    private final HttpRequest request;
    private final NettyRequestView view;
    private final RouteDefinition route;
    private final String upstreamPath;
    private final Upstream upstream;
    private final String requestId;
    private final String clientHost;
    private String hashKey;
    private final RouteMatch match;
    private final PolicyChain chain;
    private final PolicyExchange exchange;
    private GatewayPrincipal principal = GatewayPrincipal.ANONYMOUS;
    private final boolean idempotent;
    private final boolean clientKeepAlive;
    private final boolean headRequest;
    private final boolean http10;
    private final boolean webSocket;
    private final boolean bodyExpected;
    private final long responseTimeoutNanos;
    private final long idleTimeoutNanos;
    private HttpRequest outgoing;

    private State state = State.CONNECTING;
    private Selection selection;
    private boolean outcomeReported = true;
    private TargetState lastTarget;
    private int retriesUsed;
    private boolean staleRetried;
    private UpstreamConnection connection;
    private boolean connectionReused;

    /** Request body received: kept whole while a retry is possible, otherwise only what is not written yet. */
    private final ArrayList<ByteBuf> body = new ArrayList<>(0);
    private long bodyBytes;
    /** Request body bytes received in all, against {@code gateway.proxy.max-request-body}. */
    private long received;
    private boolean bodyRetainable;
    private int written;
    private boolean requestComplete;
    private boolean requestSent;
    private boolean upstreamFlushPending;

    private int status;
    /** Response body bytes handed to the client connection. */
    private long bytesOut;
    private boolean upstreamKeepAlive;
    private boolean skippingInterim;
    private boolean closeClientAfter;
    private boolean clientFlushPending;

    private ScheduledFuture<?> timer;
    private long lastActivity;
    private long timeoutNanos;

    ProxyExchange(ProxyConnectionHandler handler, HttpRequest request, NettyRequestView view, RouteMatch match,
                  PolicyChain chain, Upstream upstream) {
        this.handler = handler;
        this.ctx = handler.context();
        this.proxy = handler.proxy();
        this.request = request;
        this.view = view;
        this.match = match;
        this.route = match.route().definition();
        this.upstreamPath = match.upstreamPath(view.path());
        this.upstream = upstream;
        HttpHeaders headers = request.headers();
        String incomingId = headers.get(X_REQUEST_ID);
        this.requestId = incomingId == null ? StreamingProxy.newRequestId() : RequestIds.resolve(incomingId);
        this.clientHost = headers.get(HttpHeaderNames.HOST);
        this.idempotent = ForwardingHeaders.isIdempotent(request.method().name());
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.webSocket = route.websocket() && headers.containsValue(HttpHeaderNames.UPGRADE, WEBSOCKET, true)
            && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        this.hashKey = hashKey(upstream, headers);
        this.responseTimeoutNanos = route.timeouts().response().toNanos();
        this.idleTimeoutNanos = route.timeouts().idle().toNanos();
        this.bodyRetainable = idempotent;
        this.bodyExpected = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        this.chain = chain;
        this.exchange = new PolicyExchange(match, view, requestId, handler.clientIp(), handler.secure(),
            proxy.trustForwardedHeaders());
    }

    private static String hashKey(Upstream upstream, HttpHeaders headers) {
        String hashOn = upstream == null ? null : upstream.definition().hashOn();
        if (hashOn != null && hashOn.regionMatches(true, 0, "header:", 0, 7)) {
            return headers.get(hashOn.substring(7));
        }
        // claim:<name> is read once the principal is known (admitted()).
        return null;
    }

    // ------------------------------------------------------------------ start

    /**
     * Runs the route's policy chain (access, limits, ...), then forwards. A decision that is not
     * ready at once (a JWKS refresh for an unknown key, a shared limiter) resumes on this event
     * loop; the request body waits meanwhile as it does while connecting.
     */
    void start() {
        CompletableFuture<PolicyResult> decision = chain.request(exchange).toCompletableFuture();
        if (decision.isDone()) {
            decided(decision);
        } else {
            decision.whenComplete((p, e) -> ctx.executor().execute(() -> decided(decision)));
        }
    }

    private void decided(CompletableFuture<PolicyResult> decision) {
        if (state == State.DONE) {
            return;
        }
        PolicyResult result;
        try {
            result = decision.join();
        } catch (CompletionException | CancellationException e) {
            GatewayException refused = PolicyChain.refusal(e);
            if (refused != null) {
                fail(refused);
            } else {
                LOG.error("A policy failed for {}", this, e.getCause() == null ? e : e.getCause());
                fail(ErrorCode.INTERNAL_ERROR, "The gateway failed to handle the request.", Map.of(), Map.of());
            }
            return;
        }
        if (result instanceof PolicyResult.Respond answer) {
            respond(answer);
            return;
        }
        principal = exchange.principal();
        long limit = maxRequestBody();
        if (HttpUtil.getContentLength(request, -1L) > limit) {
            // Refused before the body is read: it waits unread while the chain decides.
            fail(ProxyConfiguration.bodyTooLarge(limit));
            return;
        }
        UpstreamIdentity changes = exchange.upstreamHeaders();
        if (changes != UpstreamIdentity.NONE) {
            changes.remove().forEach(request.headers()::remove);
            changes.set().forEach(request.headers()::set);
            changes.add().forEach(added -> request.headers().add(added.getKey(), added.getValue()));
        }
        if (hashKey == null && upstream != null) {
            String hashOn = upstream.definition().hashOn();
            if (hashOn != null && hashOn.startsWith("claim:")) {
                Object claim = principal.claim(hashOn.substring(6));
                hashKey = claim == null ? null : String.valueOf(claim);
            }
        }
        forward();
    }

    private void forward() {
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        boolean expectContinue = HttpUtil.is100ContinueExpected(request);
        HttpHeaders headers = request.headers();
        HeaderRules.stripHopByHop(headers);
        headers.remove(HttpHeaderNames.EXPECT);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        String proto = handler.secure() ? "https" : "http";
        String clientIp = handler.clientIp();
        boolean trust = proxy.trustForwardedHeaders();
        headers.set(X_FORWARDED_FOR, ForwardingHeaders.forwardedFor(headers.get(X_FORWARDED_FOR), clientIp, trust));
        setForwarded(headers, X_REAL_IP, clientIp, trust);
        setForwarded(headers, X_FORWARDED_PROTO, proto, trust);
        setForwarded(headers, X_FORWARDED_HOST, clientHost, trust);
        // A trusted caller's prefix stays in front of what this gateway stripped, as in the buffered engine.
        String prefix = ForwardingHeaders.appendForwardedPrefix(trust ? headers.get(X_FORWARDED_PREFIX) : null,
            forwardedPrefix(view.path(), upstreamPath));
        setForwarded(headers, X_FORWARDED_PREFIX, prefix, false);
        headers.set(FORWARDED, ForwardingHeaders.forwarded(headers.get(FORWARDED),
            ForwardingHeaders.forwardedElement(clientIp, proto, clientHost), trust));
        headers.set(X_REQUEST_ID, requestId);
        if (webSocket) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            // Compression extensions would hide the frame sizes the limits apply to.
            headers.remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        }
        outgoing = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
        if (upstream == null) {
            fail(ErrorCode.BAD_GATEWAY, "The route's upstream '" + route.upstream() + "' is not configured.",
                Map.of("route", route.id()), Map.of());
            return;
        }
        if (expectContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        }
        attempt();
    }

    private static void setForwarded(HttpHeaders headers, AsciiString name, String value, boolean trust) {
        if (trust && headers.contains(name)) {
            return;
        }
        if (value == null || value.isEmpty()) {
            headers.remove(name);
        } else {
            headers.set(name, value);
        }
    }

    /**
     * @param requestPath  the client's path
     * @param upstreamPath the path sent upstream
     * @return the prefix the gateway removed, when the upstream path is what remains of the
     *         client's path after it; otherwise {@code null}
     */
    static String forwardedPrefix(String requestPath, String upstreamPath) {
        if (requestPath.equals(upstreamPath)) {
            return null;
        }
        if (upstreamPath.equals("/")) {
            String trimmed = requestPath.endsWith("/") ? requestPath.substring(0, requestPath.length() - 1) : requestPath;
            return trimmed.isEmpty() ? null : trimmed;
        }
        if (requestPath.endsWith(upstreamPath)) {
            String prefix = requestPath.substring(0, requestPath.length() - upstreamPath.length());
            return prefix.isEmpty() || prefix.endsWith("/") ? null : prefix;
        }
        return null;
    }

    private void setOutgoingHeader(String name, String value) {
        outgoing.headers().set(name, value);
    }

    private void attempt() {
        if (state == State.DONE) {
            return;
        }
        try {
            selection = upstream.select(hashKey, lastTarget);
        } catch (UpstreamUnavailableException e) {
            fail(e);
            return;
        }
        outcomeReported = false;
        TargetState target = selection.target();
        lastTarget = target;
        exchange.upstreamCalled(target.toString(), this::setOutgoingHeader);
        outgoing.headers().set(HttpHeaderNames.HOST, ForwardingHeaders.upstreamHost(route.hostHeader(), clientHost, target));
        outgoing.setUri(ForwardingHeaders.upstreamUri(target, exchange.upstreamPath(upstreamPath), exchange.upstreamQuery(view.rawQuery())));
        state = State.CONNECTING;
        proxy.pool(ctx.channel()).acquire(target, route.timeouts().connect(), this);
    }

    // ------------------------------------------------------------------ connecting

    @Override
    public void connected(UpstreamConnection c, boolean reused) {
        if (state != State.CONNECTING) {
            c.pool().release(c, true);
            return;
        }
        connection = c;
        connectionReused = reused;
        c.owner(this);
        state = State.WAITING;
        written = 0;
        requestSent = false;
        c.channel().write(outgoing, c.channel().voidPromise());
        arm(responseTimeoutNanos);
        writeBody();
        handler.resumeReading();
    }

    @Override
    public void connectFailed(Throwable cause) {
        if (state != State.CONNECTING) {
            return;
        }
        LocalResources.Shortage shortage = LocalResources.localFailure(cause);
        exchange.upstreamFailed(shortage != null ? "local_resources" : cause instanceof ConnectTimeoutException ? "timeout" : "connect");
        if (shortage != null) {
            // The gateway ran out (EMFILE and the like), not the target: nothing counts against
            // it, and a retry would fail the same way.
            reportReleased();
            proxy.localResources().exhausted(shortage);
            // Closing the client's connection gives a descriptor back.
            closeClientAfter = true;
            fail(LocalResources.overloaded(shortage));
            return;
        }
        boolean timeout = cause instanceof ConnectTimeoutException;
        reportFailed(timeout ? FailureKind.TIMEOUT : FailureKind.CONNECT);
        if (canRetry() && retryFindsTarget()) {
            retryLater();
        } else if (timeout) {
            fail(ErrorCode.GATEWAY_TIMEOUT, TIMED_OUT, details("connect"), Map.of());
        } else {
            fail(ErrorCode.BAD_GATEWAY, CONNECT_FAILED, details(null), Map.of());
        }
    }

    private Map<String, Object> details(String timeout) {
        return timeout == null
            ? Map.of("route", route.id(), "upstream", route.upstream())
            : Map.of("route", route.id(), "upstream", route.upstream(), "timeout", timeout);
    }

    private boolean canRetry() {
        return idempotent && bodyRetainable && retriesUsed < route.retries().attempts()
            && (state == State.CONNECTING || state == State.WAITING);
    }

    /**
     * @return whether a retry would find a target now: the failure just reported may have ejected
     *     the last available target or opened the circuit, and then the client gets that failure
     *     (or that response) rather than a 503 for the retry, as from the buffered engine
     */
    private boolean retryFindsTarget() {
        if ("open".equals(upstream.circuitState())) {
            return false;
        }
        long now = System.nanoTime();
        for (TargetState target : upstream.targets()) {
            if (target.available(now)) {
                return true;
            }
        }
        return false;
    }

    private void retryLater() {
        RouteDefinition.Retries retries = route.retries();
        long backoff = retries.backoff().toNanos();
        long max = retries.maxBackoff().toNanos();
        long delay = retriesUsed >= 30 ? max : Math.min(max, backoff << retriesUsed);
        retriesUsed++;
        state = State.CONNECTING;
        connection = null;
        cancelTimer();
        if (delay <= 0) {
            attempt();
        } else {
            ctx.executor().schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
        }
    }

    // ------------------------------------------------------------------ request body

    /**
     * @return whether the client must not be read from now (the body has nowhere to go yet)
     */
    boolean holdsRequestBody() {
        return bodyExpected && !requestComplete && state != State.DONE
            && (state == State.CONNECTING || connection != null && !connection.channel().isWritable());
    }

    void requestContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (state == State.DONE) {
            content.release();
            return;
        }
        ByteBuf data = content.content();
        received += data.readableBytes();
        if (received > maxRequestBody()) {
            content.release();
            bodyTooLarge();
            return;
        }
        if (data.isReadable()) {
            body.add(data);
            if (bodyRetainable) {
                bodyBytes += data.readableBytes();
                if (bodyBytes > proxy.configuration().getRetryBodyLimit()) {
                    dropRetainedBody();
                }
            }
        } else {
            content.release();
        }
        if (last) {
            requestComplete = true;
        }
        if (state == State.WAITING || state == State.STREAMING) {
            writeBody();
        }
    }

    /**
     * A chunked body crossed the limit: the target learns nothing (the exchange is abandoned, not
     * failed), the client gets 413 when no response started yet, and the connection closes.
     */
    private void bodyTooLarge() {
        reportReleased();
        GatewayException tooLarge = ProxyConfiguration.bodyTooLarge(maxRequestBody());
        if (state == State.STREAMING) {
            abortClient();
        } else {
            fail(tooLarge);
        }
    }

    /**
     * @return the route's body limit when a policy set one ({@code request-limits}), else
     *     {@code gateway.proxy.max-request-body}
     */
    private long maxRequestBody() {
        return exchange.maxRequestBody(proxy.maxRequestBody());
    }

    private void dropRetainedBody() {
        bodyRetainable = false;
        for (int i = 0; i < written; i++) {
            body.get(i).release();
        }
        body.subList(0, written).clear();
        written = 0;
    }

    private void writeBody() {
        UpstreamConnection c = connection;
        if (c == null) {
            return;
        }
        Channel ch = c.channel();
        int size = body.size();
        if (written < size) {
            for (int i = written; i < size; i++) {
                ByteBuf chunk = body.get(i);
                ch.write(new DefaultHttpContent(bodyRetainable ? chunk.retainedDuplicate() : chunk), ch.voidPromise());
            }
            if (bodyRetainable) {
                written = size;
            } else {
                body.clear();
                written = 0;
            }
            lastActivity = System.nanoTime();
        }
        if (requestComplete && !requestSent) {
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
            requestSent = true;
            lastActivity = System.nanoTime();
        }
        if (handler.inReadBurst()) {
            upstreamFlushPending = true;
        } else {
            ch.flush();
        }
    }

    void clientReadComplete() {
        if (upstreamFlushPending) {
            upstreamFlushPending = false;
            if (connection != null) {
                connection.channel().flush();
            }
        }
    }

    // ------------------------------------------------------------------ response

    @Override
    public void upstreamRead(UpstreamConnection c, Object message) {
        if (c != connection || state == State.DONE) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
            // A header with CR, LF, NUL or another control character, or broken framing: never relayed.
            ReferenceCountUtil.release(message);
            reportFailed(FailureKind.RESET);
            exchange.upstreamFailed("malformed_response");
            fail(ErrorCode.BAD_GATEWAY, MALFORMED_RESPONSE, details(null), Map.of());
            return;
        }
        if (message instanceof HttpResponse response) {
            responseHead(response);
            if (message instanceof HttpContent content) {
                responseContent(content);
            }
        } else if (message instanceof HttpContent content) {
            responseContent(content);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void responseHead(HttpResponse response) {
        if (state != State.WAITING) {
            return;
        }
        int code = response.status().code();
        if (code >= 200 || code == 101) {
            exchange.upstreamAnswered(code);
        }
        if (code < 200 && code != 101) {
            // Interim responses (100, 103) are not relayed; the gateway answered Expect itself.
            skippingInterim = true;
            return;
        }
        if (code == 101) {
            if (webSocket) {
                upgrade(response);
            } else {
                reportFailed(FailureKind.RESET);
                fail(ErrorCode.BAD_GATEWAY, "The upstream switched protocols unasked.", details(null), Map.of());
            }
            return;
        }
        if (route.retries().onStatuses().contains(code) && canRetry()) {
            reportCompleted(code);
            if (retryFindsTarget()) {
                connection.discard();
                retryLater();
                return;
            }
        }
        status = code;
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        HttpHeaders headers = response.headers();
        HeaderRules.stripHopByHop(headers);
        boolean bodyless = headRequest || code == 204 || code == 304;
        if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (http10) {
                closeClientAfter = true;
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!clientKeepAlive) {
            closeClientAfter = true;
        }
        if (closeClientAfter) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        stamp(headers);
        policies(code, headers);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        state = State.STREAMING;
        if (idleTimeoutNanos < timeoutNanos) {
            cancelTimer();
            arm(idleTimeoutNanos);
        } else {
            timeoutNanos = idleTimeoutNanos;
            lastActivity = System.nanoTime();
        }
        ctx.write(response, ctx.voidPromise());
        clientFlushPending = true;
    }

    private void responseContent(HttpContent content) {
        if (skippingInterim) {
            content.release();
            if (content instanceof LastHttpContent) {
                skippingInterim = false;
            }
            return;
        }
        if (state != State.STREAMING) {
            content.release();
            return;
        }
        lastActivity = System.nanoTime();
        if (content instanceof LastHttpContent last) {
            // Trailers are not relayed (the buffered engine cannot relay them either).
            LastHttpContent end = last.trailingHeaders().isEmpty() ? last : new DefaultLastHttpContent(last.content());
            complete(end);
            return;
        }
        bytesOut += content.content().readableBytes();
        ctx.write(content, ctx.voidPromise());
        clientFlushPending = true;
        if (!ctx.channel().isWritable()) {
            connection.channel().config().setAutoRead(false);
        }
    }

    private void complete(LastHttpContent end) {
        state = State.DONE;
        cancelTimer();
        reportCompleted(status);
        UpstreamConnection c = connection;
        connection = null;
        if (!c.channel().config().isAutoRead()) {
            c.channel().config().setAutoRead(true);
        }
        c.pool().release(c, upstreamKeepAlive && requestSent);
        releaseBody();
        clientFlushPending = false;
        bytesOut += end.content().readableBytes();
        if (closeClientAfter) {
            // exchangeDone closes, lingering while a request body may still be on its way.
            ctx.write(end, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(end, ctx.voidPromise());
        }
        completed(false);
        handler.exchangeDone(this, closeClientAfter);
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection c) {
        if (clientFlushPending && c == connection) {
            clientFlushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection c) {
        if (c == connection && c.channel().isWritable()) {
            handler.resumeReading();
        }
    }

    void clientWritabilityChanged() {
        if (connection != null && ctx.channel().isWritable() && !connection.channel().config().isAutoRead()) {
            connection.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void upstreamClosed(UpstreamConnection c, Throwable cause) {
        if (c != connection || state == State.DONE) {
            c.discard();
            return;
        }
        connection = null;
        c.discard();
        if (state == State.WAITING) {
            cancelTimer();
            if (connectionReused && !staleRetried && !skippingInterim && idempotent && bodyRetainable) {
                // A pooled connection the target closed as the request went out: not the target's fault.
                staleRetried = true;
                reportReleased();
                exchange.upstreamFailed("stale_connection");
                lastTarget = null;
                state = State.CONNECTING;
                attempt();
                return;
            }
            reportFailed(FailureKind.RESET);
            exchange.upstreamFailed("reset");
            fail(ErrorCode.BAD_GATEWAY, UPSTREAM_CLOSED, details(null), Map.of());
        } else if (state == State.STREAMING) {
            reportFailed(FailureKind.RESET);
            abortClient();
        }
    }

    // ------------------------------------------------------------------ WebSocket

    private void upgrade(HttpResponse response) {
        state = State.DONE;
        cancelTimer();
        reportCompleted(101);
        UpstreamConnection c = connection;
        connection = null;
        releaseBody();
        HttpHeaders headers = response.headers();
        HeaderRules.stripHopByHop(headers);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        stamp(headers);
        policies(101, headers);
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER, headers,
            io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        WebSocketRelay relay = new WebSocketRelay(ctx, c, route.webSocket(), proxy.metrics().webSocketConnections(route.id()));
        c.owner(relay);
        ctx.writeAndFlush(switching, ctx.voidPromise());
        relay.install();
        completed(false);
        handler.upgraded(this, relay);
    }

    // ------------------------------------------------------------------ endings

    private void stamp(HttpHeaders headers) {
        headers.set(X_REQUEST_ID, requestId);
        headers.set(X_API_VERSION, proxy.apiVersion());
        if (proxy.principalHeader() != null && !principal.anonymous()) {
            headers.set(proxy.principalHeader(), principal.method() + " " + (principal.subject() == null ? "-" : principal.subject()));
        }
    }

    /** The response-side steps of the route's chain, on any response about to go out. */
    private void policies(int code, HttpHeaders headers) {
        try {
            chain.response(exchange, new NettyResponseHead(code, headers, null));
        } catch (RuntimeException e) {
            LOG.error("A response policy failed for {}", this, e);
        }
    }

    /** A step answered the request itself (a preflight, a cache hit): the upstream is not called. */
    private void respond(PolicyResult.Respond answer) {
        state = State.DONE;
        cancelTimer();
        releaseBody();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            headRequest ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(answer.body()));
        HttpHeaders headers = response.headers();
        answer.headers().forEach(header -> headers.add(header.getKey(), header.getValue()));
        if (answer.status() != 204 && answer.status() != 304) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        }
        stamp(headers);
        try {
            chain.response(exchange, new NettyResponseHead(answer.status(), headers, answer.body()));
        } catch (RuntimeException e) {
            LOG.error("A response policy failed for {}", this, e);
        }
        boolean close = !clientKeepAlive || bodyExpected && !requestComplete;
        bytesOut = response.content().readableBytes();
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // exchangeDone closes, lingering while a request body may still be on its way.
            ctx.write(response, ctx.voidPromise());
        } else {
            if (http10) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        completed(false);
        handler.exchangeDone(this, close);
    }

    private void fail(GatewayException e) {
        fail(e.errorCode(), e.getMessage(), e.details(), e.headers());
    }

    private void fail(ErrorCode code, String message, Map<String, Object> details, Map<String, String> extraHeaders) {
        if (state == State.DONE) {
            return;
        }
        if (state == State.STREAMING) {
            abortClient();
            return;
        }
        state = State.DONE;
        cancelTimer();
        if (connection != null) {
            connection.discard();
            connection = null;
        }
        // The call in flight, if any, ends here (no-op when it ended already).
        exchange.upstreamFailed("failed");
        releaseBody();
        byte[] json = proxy.errors().json(requestId, code, message, details);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(code.status().getCode()), Unpooled.wrappedBuffer(json));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        extraHeaders.forEach(headers::set);
        stamp(headers);
        policies(code.status().getCode(), headers);
        // A body still on its way would be read as the next request: close instead.
        boolean close = closeClientAfter || !clientKeepAlive || bodyExpected && !requestComplete;
        bytesOut = json.length;
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // exchangeDone closes, lingering while a request body may still be on its way.
            ctx.write(response, ctx.voidPromise());
        } else {
            if (http10) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        completed(false);
        handler.exchangeDone(this, close);
    }

    /** The response is broken after its head went out: the client can only learn it from a close. */
    private void abortClient() {
        state = State.DONE;
        cancelTimer();
        if (connection != null) {
            connection.discard();
            connection = null;
        }
        releaseBody();
        ctx.flush();
        ctx.close();
        completed(true);
    }

    /** The client went away. */
    void clientClosed() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        cancelTimer();
        reportReleased();
        if (connection != null) {
            connection.discard();
            connection = null;
        }
        releaseBody();
        completed(true);
    }

    /**
     * Ends the exchange for the chain's {@code completed} steps (metrics, the access log), once.
     *
     * @param aborted whether it ended without a complete response
     */
    private void completed(boolean aborted) {
        try {
            chain.completed(exchange, received, bytesOut, aborted);
        } catch (RuntimeException e) {
            LOG.error("A policy failed at the end of {}", this, e);
        }
    }

    private void releaseBody() {
        for (ByteBuf chunk : body) {
            chunk.release();
        }
        body.clear();
        written = 0;
    }

    // ------------------------------------------------------------------ timer

    private void arm(long nanos) {
        timeoutNanos = nanos;
        lastActivity = System.nanoTime();
        if (timer == null) {
            timer = ctx.executor().schedule(this::timerFired, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void timerFired() {
        timer = null;
        if (state != State.WAITING && state != State.STREAMING) {
            return;
        }
        long idleFor = System.nanoTime() - lastActivity;
        if (idleFor < timeoutNanos) {
            timer = ctx.executor().schedule(this::timerFired, timeoutNanos - idleFor, TimeUnit.NANOSECONDS);
            return;
        }
        reportFailed(FailureKind.TIMEOUT);
        if (state == State.WAITING) {
            exchange.upstreamFailed("timeout");
            fail(ErrorCode.GATEWAY_TIMEOUT, TIMED_OUT, details("response"), Map.of());
        } else {
            abortClient();
        }
    }

    // ------------------------------------------------------------------ outcome, exactly once

    private void reportCompleted(int code) {
        if (!outcomeReported) {
            outcomeReported = true;
            selection.completed(code);
        }
    }

    private void reportFailed(FailureKind kind) {
        if (!outcomeReported) {
            outcomeReported = true;
            selection.failed(kind);
        }
    }

    private void reportReleased() {
        if (!outcomeReported) {
            outcomeReported = true;
            selection.released();
        }
    }

    @Override
    public String toString() {
        return request.method() + " " + view.path() + " -> " + route.id() + " (" + state.name().toLowerCase(Locale.ROOT) + ")";
    }
}
