package io.gatehouse.container.server;

import io.gatehouse.container.proxy.NettyResponseHead;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.error.GatewayException;
import io.gatehouse.observability.RequestIds;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Guards one HTTP/1.1 client connection against slow clients, and refuses it when it is above the
 * connection limit. Two handlers share its state: {@link #bytes()} sits before the
 * {@code HttpServerCodec} and sees the raw bytes and the reads the gateway asks for;
 * {@link #messages()} sits right after it and sees request heads, the ends of request bodies, and
 * the responses going out.
 *
 * <ul>
 *   <li><b>Request head</b>: from its first byte, the client has {@code request-head-timeout} of
 *       the gateway's waiting to complete it. A head trickled one byte a second is cut there, an
 *       idle timeout would never fire.</li>
 *   <li><b>Request body</b>: once {@code request-body-grace} of waiting has passed, the bytes
 *       received must average at least {@code request-body-min-rate} per second of waiting.</li>
 * </ul>
 *
 * <p>Only time in which the gateway has asked for bytes and none came counts: while the gateway
 * holds the client back (a pipelined request waiting for earlier responses, an upstream that
 * cannot take more body) the clock stands still. On expiry the client gets 408
 * {@code request_timeout} when no response to it has started (and none is owed for an earlier
 * request), and the connection closes either way. No thread is held: one timer per connection,
 * and only while a head or body is still on its way when a read burst ends (a request that arrives
 * whole in one read never needs one). After a protocol switch (WebSocket, h2c) the guard stands
 * aside.
 */
final class ClientGuard {

    /** The name of the raw-bytes handler, before the codec. */
    static final String BYTES_NAME = "gatehouse-client-bytes";
    /** The name of the message handler, right after the codec. */
    static final String MESSAGES_NAME = "gatehouse-client-guard";

    private enum Phase { IDLE, HEAD, BODY, OFF }

    private final ServerLimits limits;
    private final boolean refuse;
    private final Bytes bytes = new Bytes();
    private final Messages messages = new Messages();
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.IDLE;
    private long waitedNanos;
    private long readPendingSince = -1;
    private long bodyBytes;
    private int requestsOpen;
    private boolean responseStarted;
    private ScheduledFuture<?> timer;

    /**
     * @param limits the limits
     * @param refuse whether the connection is above the connection limit
     */
    ClientGuard(ServerLimits limits, boolean refuse) {
        this.limits = limits;
        this.refuse = refuse;
    }

    ChannelDuplexHandler bytes() {
        return bytes;
    }

    ChannelDuplexHandler messages() {
        return messages;
    }

    // ---------------------------------------------------------------- the clock

    private void startPhase(Phase next, long now) {
        phase = next;
        waitedNanos = 0;
        bodyBytes = 0;
        if (readPendingSince >= 0) {
            readPendingSince = now;
        }
        // The timer starts when a read burst ends with the head or body still incomplete: most
        // requests arrive whole in one read and never need one.
        cancelTimer();
    }

    /** At the end of a read burst: a head or body still on its way gets its timer. */
    private void readBurstEnded() {
        if (timer == null && (phase == Phase.HEAD || phase == Phase.BODY)) {
            long waited = waited(System.nanoTime());
            schedule((phase == Phase.HEAD ? limits.requestHeadTimeoutNanos() : limits.requestBodyGraceNanos()) - waited);
        }
    }

    private void idle() {
        phase = Phase.IDLE;
        cancelTimer();
    }

    private void off() {
        phase = Phase.OFF;
        cancelTimer();
    }

    private long waited(long now) {
        return waitedNanos + (readPendingSince >= 0 ? now - readPendingSince : 0);
    }

    private void schedule(long nanos) {
        if (ctx != null && (phase == Phase.HEAD || phase == Phase.BODY && limits.requestBodyMinRate() > 0)) {
            timer = ctx.executor().schedule(this::check, Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(50)),
                TimeUnit.NANOSECONDS);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long waited = waited(System.nanoTime());
        if (phase == Phase.HEAD) {
            long left = limits.requestHeadTimeoutNanos() - waited;
            if (left <= 0) {
                expire("The request head did not arrive within " + limits.requestHeadTimeout().toMillis() + " ms.", "head");
            } else {
                schedule(left);
            }
        } else if (phase == Phase.BODY) {
            long rate = limits.requestBodyMinRate();
            long grace = limits.requestBodyGraceNanos();
            // The waiting time the bytes received so far are good for at the minimum rate.
            long covered = (long) (bodyBytes * 1e9 / rate);
            long due = Math.max(grace, covered);
            if (waited >= due) {
                expire("The request body arrived slower than " + rate + " bytes per second.", "body");
            } else {
                schedule(due - waited);
            }
        }
    }

    private void expire(String message, String part) {
        boolean answer = phase == Phase.HEAD ? requestsOpen == 0 : requestsOpen == 1 && !responseStarted;
        off();
        if (!answer) {
            ctx.close();
            return;
        }
        GatewayException e = new GatewayException(ErrorCode.REQUEST_TIMEOUT, message,
            Map.of("timeout", "request_" + part), Map.of());
        messages.answer(e);
    }

    // ---------------------------------------------------------------- raw side

    /** Before the codec: the reads the gateway asks for and the bytes that come. */
    private final class Bytes extends ChannelDuplexHandler {

        @Override
        public void read(ChannelHandlerContext context) {
            if (readPendingSince < 0) {
                readPendingSince = System.nanoTime();
            }
            context.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (phase != Phase.OFF && msg instanceof ByteBuf buf) {
                if (context.pipeline().context(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) == null) {
                    // The codec is gone (h2c upgrade): not HTTP/1.1 any more.
                    off();
                } else {
                    long now = System.nanoTime();
                    if (readPendingSince >= 0) {
                        waitedNanos += now - readPendingSince;
                        readPendingSince = -1;
                    }
                    if (phase == Phase.IDLE && buf.isReadable()) {
                        startPhase(Phase.HEAD, now);
                    } else if (phase == Phase.BODY) {
                        bodyBytes += buf.readableBytes();
                    }
                }
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            off();
            context.fireChannelInactive();
        }
    }

    // ---------------------------------------------------------------- message side

    /** After the codec: request heads and body ends in, responses out. */
    private final class Messages extends ChannelDuplexHandler {

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (refuse && msg instanceof HttpRequest) {
                ReferenceCountUtil.release(msg);
                off();
                answer(ServerLimits.overloaded());
                return;
            }
            if (refuse) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (phase != Phase.OFF) {
                if (msg instanceof HttpRequest) {
                    requestsOpen++;
                    responseStarted = false;
                    if (msg instanceof LastHttpContent) {
                        idle();
                    } else {
                        startPhase(Phase.BODY, System.nanoTime());
                    }
                } else if (msg instanceof LastHttpContent && phase == Phase.BODY) {
                    idle();
                }
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            readBurstEnded();
            context.fireChannelReadComplete();
        }

        @Override
        public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse response) {
                int code = response.status().code();
                if (code == 101) {
                    off();
                } else if (code >= 200) {
                    responseStarted = true;
                } else {
                    context.write(msg, promise);
                    return;
                }
            }
            if (msg instanceof LastHttpContent && requestsOpen > 0) {
                requestsOpen--;
            }
            context.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            off();
            context.fireChannelInactive();
        }

        void answer(GatewayException e) {
            String requestId = UUID.randomUUID().toString();
            byte[] json = limits.errors().json(requestId, e.errorCode(), e.getMessage(), e.details());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(e.errorCode().status().getCode()), Unpooled.wrappedBuffer(json));
            HttpHeaders headers = response.headers();
            headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            headers.set(RequestIds.HEADER, requestId);
            headers.set("X-API-Version", limits.apiVersion());
            e.headers().forEach(headers::set);
            limits.chains().ownResponse(new NettyResponseHead(response.status().code(), headers, null),
                ctx.pipeline().get(SslHandler.class) != null);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

}
