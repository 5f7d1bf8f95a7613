package io.gatehouse.container.proxy;

import io.micronaut.core.annotation.Internal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose last request's body was not read (a 413, a refusal before the body, a
 * preflight answered with a body on its way), the way nginx's lingering close does. Closing a
 * socket with unread bytes in its receive buffer makes the kernel send a reset, and a reset that
 * reaches the client before it read the response destroys the response: the client sees "connection
 * reset" instead of the 413 it was sent. So the response is flushed, the output is shut down (the
 * client reads the response and then the end of the stream), and what the client still sends is
 * read and thrown away until it closes, {@value #LINGER_MILLIS} ms pass, or {@value #LINGER_BYTES}
 * bytes were discarded, whichever comes first.
 *
 * <p>Over TLS, where shutting the socket's output down would cut the TLS stream, and on channels
 * that cannot half-close, it closes at once as before.
 */
@Internal
final class LingeringClose extends ChannelInboundHandlerAdapter {

    static final String NAME = "gatehouse-linger";
    /** How long the client may go on sending after the response. */
    static final long LINGER_MILLIS = 2_000;
    /** How much the client may go on sending after the response. */
    static final long LINGER_BYTES = 4L * 1024 * 1024;

    private long discarded;

    private LingeringClose() {
    }

    /**
     * Flushes what was written, then lingers and closes.
     *
     * @param ctx any context of the connection's pipeline
     */
    static void close(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel duplex) || channel.pipeline().get(SslHandler.class) != null
            || channel.pipeline().get(NAME) != null) {
            ctx.flush();
            ctx.close();
            return;
        }
        // An empty write completes once everything written before it is out.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (!written.isSuccess() || !channel.isActive()) {
                channel.close();
                return;
            }
            channel.pipeline().addFirst(NAME, new LingeringClose());
            channel.config().setAutoRead(true);
            duplex.shutdownOutput().addListener(shut -> {
                if (!shut.isSuccess()) {
                    channel.close();
                }
            });
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            channel.read();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            discarded += bytes.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > LINGER_BYTES) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Nothing goes further up: the pipeline behind this handler is done with the connection.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // The client's end of the stream ends the linger; other events (our own output shut down,
        // a deadline of the handlers behind) concern a pipeline that is done with the connection.
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
        }
        ReferenceCountUtil.release(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
