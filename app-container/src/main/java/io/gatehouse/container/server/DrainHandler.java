package io.gatehouse.container.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Right after the {@code HttpServerCodec} of one HTTP/1.1 connection: counts the requests the
 * connection has received and not finished answering, whoever answers them (Micronaut, the
 * streaming proxy, the front door), and closes the connection when {@link Drain} asks and it is
 * idle, or as soon as it becomes idle. While draining, every response it sees leaving gets
 * {@code Connection: close}, so that the client opens its next connection elsewhere.
 *
 * <p>A connection upgraded to a WebSocket ({@code 101}) stays busy until it closes or the drain's
 * grace period ends. All methods run on the connection's event loop.
 */
final class DrainHandler extends ChannelDuplexHandler {

    /** The name of this handler in the connection's pipeline. */
    static final String NAME = "gatehouse-drain";

    private ChannelHandlerContext ctx;
    private int inFlight;
    private boolean responding;
    private boolean upgraded;
    private boolean draining;

    DrainHandler() {
    }

    /**
     * A handler that takes over another's counts, to be put in its place.
     *
     * @param from the handler being replaced
     */
    DrainHandler(DrainHandler from) {
        this.inFlight = from.inFlight;
        this.responding = from.responding;
        this.upgraded = from.upgraded;
        this.draining = from.draining;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /**
     * @return whether a request is being answered or the connection was upgraded
     */
    boolean busy() {
        return inFlight > 0 || upgraded;
    }

    /** Starts draining this connection: closes it now when idle, else once its last response is written. */
    void drain() {
        draining = true;
        if (!busy() && ctx.channel().isActive()) {
            ctx.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (msg instanceof HttpRequest && !upgraded) {
            inFlight++;
        }
        context.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        if (upgraded) {
            context.write(msg, promise);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int status = response.status().code();
            if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                upgraded = true;
            } else if (status >= 200) {
                responding = true;
                if (draining) {
                    HttpUtil.setKeepAlive(response, false);
                }
            }
        }
        boolean closeAfter = false;
        if (msg instanceof LastHttpContent && responding) {
            responding = false;
            inFlight = Math.max(0, inFlight - 1);
            closeAfter = draining && !busy();
        }
        if (closeAfter) {
            ChannelPromise written = promise.unvoid();
            context.write(msg, written);
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            context.write(msg, promise);
        }
    }
}
