package io.gatehouse.container.proxy;

import io.gatehouse.conversation.SessionSocket;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.route.PathNormaliser;
import io.gatehouse.policy.PolicyChain;
import io.gatehouse.route.RouteDefinition;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.upstream.Upstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Sits between Netty's {@code HttpServerCodec} and Micronaut's request handler on one client
 * connection and decides, request by request, who answers: Micronaut (its own endpoints, and paths
 * no route matches) or a {@link ProxyExchange}. The decision is made on the normalised path
 * ({@link PathNormaliser}); a path it refuses is answered here with 400 {@code invalid_path}, and a
 * path it changed reaches Micronaut changed.
 *
 * <p>Responses leave in request order (HTTP/1.1 pipelining): a request waits in a backlog, with
 * reading paused, until every earlier response is complete, whoever writes it. Micronaut's
 * responses are seen passing outbound through this handler; a proxied one tells the handler when
 * it ends. Reading is demand-driven as Micronaut set it up ({@code autoRead} off): reads Micronaut
 * asks for are held back while the backlog is not empty or the upstream cannot take more of a
 * request body.
 */
final class ProxyConnectionHandler extends ChannelDuplexHandler {

    private static final Object MICRONAUT = new Object();
    private static final Object DISCARD = new Object();

    private final StreamingProxy proxy;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    /** Requests handed to Micronaut whose final response has not been written yet. */
    private int micronautPending;
    /** The exchange whose response is not complete yet. */
    private ProxyExchange active;
    /** Where the body of the request being received goes: {@link #MICRONAUT}, an exchange, {@link #DISCARD} or nobody. */
    private Object sink;
    private WebSocketRelay relay;
    private boolean reading;
    private boolean readHeld;
    private boolean drainScheduled;
    private String clientIp;

    ProxyConnectionHandler(StreamingProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        releaseBacklog();
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    StreamingProxy proxy() {
        return proxy;
    }

    boolean inReadBurst() {
        return reading;
    }

    boolean secure() {
        return ctx.pipeline().get(SslHandler.class) != null;
    }

    String clientIp() {
        if (clientIp == null) {
            SocketAddress address = ctx.channel().remoteAddress();
            clientIp = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "unknown";
        }
        return clientIp;
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        reading = true;
        if (relay != null) {
            relay.fromClient(msg);
            return;
        }
        if (!backlog.isEmpty() || !dispatch(msg)) {
            backlog.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        reading = false;
        if (relay != null) {
            relay.clientReadComplete();
            return;
        }
        if (sink instanceof ProxyExchange exchange) {
            exchange.clientReadComplete();
        } else if (active != null && active != sink) {
            active.clientReadComplete();
        }
        context.fireChannelReadComplete();
    }

    /**
     * @param msg an inbound message
     * @return {@code false} when it must wait for earlier responses
     */
    private boolean dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (!route(request)) {
                return false;
            }
            if (msg instanceof LastHttpContent) {
                sink = null;
            }
            return true;
        }
        if (msg instanceof HttpContent content) {
            Object target = sink;
            if (msg instanceof LastHttpContent) {
                sink = null;
            }
            if (target == MICRONAUT) {
                ctx.fireChannelRead(content);
            } else if (target instanceof ProxyExchange exchange) {
                exchange.requestContent(content);
            } else {
                content.release();
            }
            return true;
        }
        // Not HTTP (a protocol Micronaut switched to): Micronaut's business.
        ctx.fireChannelRead(msg);
        return true;
    }

    private boolean route(HttpRequest request) {
        if (request.decoderResult().isSuccess()) {
            NettyRequestView view;
            try {
                view = new NettyRequestView(request, proxy.pathNormaliser());
            } catch (PathNormaliser.InvalidPathException e) {
                return refuse(request, e);
            }
            if (!proxy.ownedPaths().owns(view.path())) {
                GatewayState.Snapshot snapshot = proxy.state().current();
                RouteMatch match = snapshot.table().match(view);
                PolicyChain chain = match == null ? null : proxy.chains().chain(match.route());
                if (match != null && bodiesBuffered(match, chain)) {
                    // A policy reads a whole body (validation, caching, idempotency): the buffered engine serves it.
                    match = null;
                }
                if (match != null) {
                    if (active != null || micronautPending > 0) {
                        return false;
                    }
                    Upstream upstream = snapshot.upstreams().get(match.route().definition().upstream());
                    ProxyExchange exchange = new ProxyExchange(this, request, view, match, chain, upstream);
                    active = exchange;
                    sink = exchange;
                    exchange.start();
                    return true;
                }
            }
            if (view.pathChanged()) {
                // Micronaut routes its own endpoints on the path the gateway decided on, too.
                String query = view.rawQuery();
                request.setUri(query == null ? view.path() : view.path() + "?" + query);
            }
        }
        if (active != null) {
            return false;
        }
        micronautPending++;
        sink = MICRONAUT;
        ctx.fireChannelRead(request);
        return true;
    }

    private static boolean bodiesBuffered(RouteMatch match, PolicyChain chain) {
        RouteDefinition route = match.route().definition();
        if (route.streaming() || route.websocket()) {
            return false;
        }
        return chain.needsRequestBody() || chain.needsResponseBody();
    }

    /**
     * Answers a request whose path normalisation refuses with the 400 envelope, once every earlier
     * response is out, and closes the connection: its body, if any, is not read.
     *
     * @return {@code false} when it must wait for earlier responses
     */
    private boolean refuse(HttpRequest request, GatewayException refusal) {
        if (active != null || micronautPending > 0) {
            return false;
        }
        sink = DISCARD;
        String incoming = request.headers().get(ProxyExchange.X_REQUEST_ID);
        String requestId = incoming == null ? StreamingProxy.newRequestId() : RequestIds.resolve(incoming);
        byte[] json = proxy.errors().json(requestId, refusal.errorCode(), refusal.getMessage(), refusal.details());
        boolean head = HttpMethod.HEAD.equals(request.method());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(refusal.errorCode().status().getCode()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json));
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        headers.set(ProxyExchange.X_REQUEST_ID, requestId);
        headers.set(ProxyExchange.X_API_VERSION, proxy.apiVersion());
        proxy.chains().ownResponse(new NettyResponseHead(response.status().code(), headers, null), secure());
        ReferenceCountUtil.release(request);
        ctx.write(response, ctx.voidPromise());
        // Its body, if any, is not read: linger so that the reset of a close over unread bytes cannot destroy the 400.
        LingeringClose.close(ctx);
        return true;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void read(ChannelHandlerContext context) {
        if (relay == null && readsHeld()) {
            readHeld = true;
            return;
        }
        context.read();
    }

    private boolean readsHeld() {
        return !backlog.isEmpty() || (sink instanceof ProxyExchange exchange && exchange.holdsRequestBody());
    }

    /**
     * Reads again if nothing holds reading back any more.
     */
    void resumeReading() {
        if (relay == null && !readsHeld() && ctx.channel().isActive()) {
            readHeld = false;
            ctx.read();
        }
    }

    // ---------------------------------------------------------------- outbound (Micronaut's responses)

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        boolean upgraded = false;
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code == 101) {
                upgraded = true;
            } else if (code < 200) {
                context.write(msg, promise);
                return;
            }
        }
        context.write(msg, promise);
        if (msg instanceof LastHttpContent && micronautPending > 0) {
            micronautPending--;
            if (micronautPending == 0 && !backlog.isEmpty()) {
                scheduleDrain();
            }
        }
        if (upgraded) {
            // Micronaut's own WebSocket endpoint took the connection over; nothing left to decide but
            // what Micronaut does not guard there (the size of a fragmented message, the close).
            context.executor().execute(() -> {
                if (context.pipeline().context(this) != null) {
                    context.pipeline().replace(this, WebSocketGuard.NAME, new WebSocketGuard(SessionSocket.MAX_FRAME));
                }
            });
        }
    }

    // ---------------------------------------------------------------- exchanges

    /**
     * The exchange's response is complete (or failed and answered).
     *
     * @param exchange   the exchange
     * @param closeAfter whether the client connection must close
     */
    void exchangeDone(ProxyExchange exchange, boolean closeAfter) {
        if (active == exchange) {
            active = null;
        }
        if (sink == exchange && closeAfter) {
            sink = DISCARD;
        }
        if (closeAfter) {
            LingeringClose.close(ctx);
            return;
        }
        if (!backlog.isEmpty()) {
            scheduleDrain();
        } else {
            resumeReading();
        }
    }

    /**
     * The exchange turned the connection into a WebSocket relay.
     *
     * @param exchange  the exchange
     * @param webSocket the relay
     */
    void upgraded(ProxyExchange exchange, WebSocketRelay webSocket) {
        active = null;
        sink = null;
        relay = webSocket;
        releaseBacklog();
        ctx.channel().config().setAutoRead(true);
    }

    private void scheduleDrain() {
        if (!drainScheduled) {
            drainScheduled = true;
            ctx.executor().execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled = false;
        boolean toMicronaut = false;
        while (!backlog.isEmpty() && relay == null) {
            Object next = backlog.peek();
            if (!dispatch(next)) {
                break;
            }
            backlog.poll();
            toMicronaut |= sink == MICRONAUT || micronautPending > 0;
        }
        if (toMicronaut && !reading) {
            // Micronaut's pipelining handler flushes its responses when a read completes; a request
            // handed over from the backlog arrives outside any read, so it must hear of one.
            ctx.fireChannelReadComplete();
        }
        if (backlog.isEmpty()) {
            resumeReading();
        }
    }

    private void releaseBacklog() {
        Object msg;
        while ((msg = backlog.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---------------------------------------------------------------- connection events

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (relay != null) {
            relay.clientWritabilityChanged();
            return;
        }
        if (active != null) {
            active.clientWritabilityChanged();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        releaseBacklog();
        if (relay != null) {
            relay.clientClosed();
        }
        if (active != null) {
            active.clientClosed();
            active = null;
        }
        if (sink instanceof ProxyExchange exchange) {
            exchange.clientClosed();
        }
        sink = null;
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (relay != null) {
            relay.clientFailed(cause);
            return;
        }
        if (active != null || sink instanceof ProxyExchange) {
            // The connection is broken or the request could not be decoded; the exchange ends with it.
            context.close();
            return;
        }
        context.fireExceptionCaught(cause);
    }
}
