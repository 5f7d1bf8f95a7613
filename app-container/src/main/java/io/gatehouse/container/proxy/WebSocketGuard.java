package io.gatehouse.container.proxy;

import io.micronaut.core.annotation.Internal;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Takes the place of {@link ProxyConnectionHandler} on a connection that Micronaut's own WebSocket
 * endpoint upgraded (the session socket), for what Micronaut does not do there:
 *
 * <ul>
 *   <li>It bounds a <em>message</em>, not only a frame: Micronaut joins the fragments of a message
 *   without a limit, so a message whose fragments add up to more than the largest frame allowed
 *   is refused with close code 1009 (message too big) before it is joined.</li>
 *   <li>It closes as RFC 6455 asks: when the gateway has sent its close frame, the connection's
 *   output is shut down after it and the client's answer is read and discarded
 *   ({@link LingeringClose}); closing at once, with the client's pongs or its close frame unread,
 *   would make the kernel reset the connection and destroy the close frame the client had not
 *   read yet (a slow reader would never learn it was closed with 1013).</li>
 *   <li>A client that never reads its close frame does not keep the connection:
 *   {@value #CLOSE_GRACE_MILLIS} ms after the gateway's close frame was written, it is closed.</li>
 * </ul>
 */
@Internal
final class WebSocketGuard extends ChannelDuplexHandler {

    static final String NAME = "gatehouse-websocket-guard";

    /** How long a client has to read the gateway's close frame before its connection is closed. */
    static final long CLOSE_GRACE_MILLIS = 10_000;

    private static final int MESSAGE_TOO_BIG = 1009;

    private final int maxMessage;
    private long fragments = -1;
    private boolean closeSent;
    private boolean lingering;

    /**
     * @param maxMessage the largest message, in bytes, whatever its fragments
     */
    WebSocketGuard(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame && !(msg instanceof CloseWebSocketFrame)
            && (frame instanceof ContinuationWebSocketFrame || !frame.isFinalFragment())) {
            long total = (frame instanceof ContinuationWebSocketFrame ? Math.max(0, fragments) : 0) + frame.content().readableBytes();
            if (total > maxMessage) {
                ReferenceCountUtil.release(msg);
                fragments = -1;
                // Written from this handler's context, the close frame does not pass its own write():
                // mark it sent here, so that the close below lingers rather than resetting a client that
                // is still sending the rest of its message (the 1009 was lost to a broken pipe).
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(MESSAGE_TOO_BIG, "message too big"))
                    .addListener(written -> ctx.channel().close());
                return;
            }
            fragments = frame.isFinalFragment() ? -1 : total;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame && !closeSent) {
            closeSent = true;
            ctx.executor().schedule(() -> {
                lingering = true;
                ctx.channel().close();
            }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering) {
            ctx.close(promise);
            return;
        }
        // Whoever closes (our close frame, or Netty's decoder refusing an oversized frame with its own
        // 1009 from further down the pipeline): flush, shut the output down and read what the client
        // still sends, so that a client in the middle of a write reads the close frame, not a reset.
        lingering = true;
        promise.trySuccess();
        LingeringClose.close(ctx);
    }
}
