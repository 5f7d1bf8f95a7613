package io.gatehouse.container.proxy;

import io.gatehouse.route.RouteDefinition;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays WebSocket frames between a client and an upstream after a proxied upgrade. Both sides
 * decode frames (so the route's frame and message size limits hold: a larger one closes both sides
 * with 1009), close frames pass through with their codes, and once both sides sent theirs, or
 * either connection ends, both connections close. Frames are not reassembled: fragments stream
 * through as they come. Backpressure: a side that cannot take more stops reading on the other.
 */
final class WebSocketRelay implements UpstreamConnection.Owner {

    private static final long CLOSE_GRACE_SECONDS = 5;

    private final ChannelHandlerContext client;
    private final UpstreamConnection upstream;
    private final RouteDefinition.WebSocketLimits limits;
    private final Direction fromClient = new Direction();
    private final Direction fromUpstream = new Direction();
    private final AtomicInteger open;
    private boolean finished;
    private ScheduledFuture<?> closeTimer;

    /** The state of one direction. */
    private static final class Direction {
        long messageBytes;
        boolean closeSent;
        boolean flushPending;
    }

    /**
     * @param client   the client's connection
     * @param upstream the upstream's connection
     * @param limits   the route's frame and message limits
     * @param open     the route's gauge of open relays ({@code gatehouse_websocket_connections}), counted
     *                 from here until {@link #finish()}
     */
    WebSocketRelay(ChannelHandlerContext client, UpstreamConnection upstream, RouteDefinition.WebSocketLimits limits,
                   AtomicInteger open) {
        this.client = client;
        this.upstream = upstream;
        this.limits = limits;
        this.open = open;
        open.incrementAndGet();
    }

    /**
     * Replaces the HTTP codecs with WebSocket frame codecs on both connections; the 101 response
     * has already been encoded.
     */
    void install() {
        ChannelPipeline server = client.pipeline();
        String codec = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
        server.addBefore(codec, "gatehouse-ws-decoder", new WebSocket13FrameDecoder(config(true)));
        server.addBefore(codec, "gatehouse-ws-encoder", new WebSocket13FrameEncoder(false));
        server.remove(codec);

        ChannelPipeline up = upstream.channel().pipeline();
        HttpClientCodec clientCodec = (HttpClientCodec) up.get(UpstreamPool.CODEC);
        clientCodec.removeOutboundHandler();
        up.addAfter(UpstreamPool.CODEC, "gatehouse-ws-decoder", new WebSocket13FrameDecoder(config(false)));
        up.addAfter("gatehouse-ws-decoder", "gatehouse-ws-encoder", new WebSocket13FrameEncoder(true));
        // Removed once the decoding of the 101 response has unwound; bytes after it reach the frame decoder.
        upstream.channel().eventLoop().execute(() -> {
            if (up.get(UpstreamPool.CODEC) != null) {
                up.remove(UpstreamPool.CODEC);
            }
        });
        upstream.channel().config().setAutoRead(true);
    }

    private WebSocketDecoderConfig config(boolean fromClientSide) {
        return WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(limits.maxFrameSize())
            .expectMaskedFrames(fromClientSide)
            .allowMaskMismatch(!fromClientSide)
            .allowExtensions(false)
            .closeOnProtocolViolation(false)
            .withUTF8Validator(false)
            .build();
    }

    // ------------------------------------------------------------------ client side

    void fromClient(Object msg) {
        relay(msg, fromClient, upstream.channel(), client.channel());
    }

    void clientReadComplete() {
        flush(fromClient, upstream.channel());
    }

    void clientWritabilityChanged() {
        if (client.channel().isWritable()) {
            upstream.channel().config().setAutoRead(true);
        }
    }

    void clientClosed() {
        finish();
    }

    void clientFailed(Throwable cause) {
        failed(cause);
    }

    // ------------------------------------------------------------------ upstream side

    @Override
    public void upstreamRead(UpstreamConnection connection, Object message) {
        relay(message, fromUpstream, client.channel(), upstream.channel());
    }

    @Override
    public void upstreamReadComplete(UpstreamConnection connection) {
        flush(fromUpstream, client.channel());
    }

    @Override
    public void upstreamWritabilityChanged(UpstreamConnection connection) {
        if (upstream.channel().isWritable()) {
            client.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void upstreamClosed(UpstreamConnection connection, Throwable cause) {
        if (cause != null) {
            failed(cause);
        } else {
            finish();
        }
    }

    // ------------------------------------------------------------------ relaying

    private void relay(Object msg, Direction direction, Channel to, Channel from) {
        if (!(msg instanceof WebSocketFrame frame) || finished) {
            // The end of the 101 response from the HTTP decoder, or frames after the end.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            direction.closeSent = true;
            to.writeAndFlush(frame);
            if (fromClient.closeSent && fromUpstream.closeSent) {
                finish();
            } else if (closeTimer == null) {
                closeTimer = client.executor().schedule(this::finish, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            }
            return;
        }
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
            || frame instanceof ContinuationWebSocketFrame) {
            long size = (frame instanceof ContinuationWebSocketFrame ? direction.messageBytes : 0)
                + frame.content().readableBytes();
            if (size > limits.maxMessageSize()) {
                frame.release();
                closeBoth(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Message larger than " + limits.maxMessageSize() + " bytes");
                return;
            }
            direction.messageBytes = frame.isFinalFragment() ? 0 : size;
        }
        to.write(frame, to.voidPromise());
        direction.flushPending = true;
        if (!to.isWritable()) {
            from.config().setAutoRead(false);
        }
    }

    private void flush(Direction direction, Channel to) {
        if (direction.flushPending) {
            direction.flushPending = false;
            to.flush();
        }
    }

    private void failed(Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus() != null) {
            closeBoth(corrupted.closeStatus(), corrupted.closeStatus().equals(WebSocketCloseStatus.MESSAGE_TOO_BIG)
                ? "Frame larger than " + limits.maxFrameSize() + " bytes" : corrupted.closeStatus().reasonText());
        } else {
            finish();
        }
    }

    private void closeBoth(WebSocketCloseStatus status, String reason) {
        if (finished) {
            return;
        }
        if (!fromUpstream.closeSent) {
            fromUpstream.closeSent = true;
            client.channel().writeAndFlush(new CloseWebSocketFrame(status, reason));
        }
        if (!fromClient.closeSent) {
            fromClient.closeSent = true;
            upstream.channel().writeAndFlush(new CloseWebSocketFrame(status, reason));
        }
        finish();
    }

    /** Closes both connections once what was written has left. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        open.decrementAndGet();
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        upstream.owner(null);
        client.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        upstream.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
