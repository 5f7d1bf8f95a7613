package io.gatehouse.container.proxy;

import io.gatehouse.upstream.TargetState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection to a target, the last handler of its pipeline. It hands what it reads to
 * its current {@link Owner} (an exchange, then a WebSocket relay, or nobody while pooled). Only
 * its own event loop touches it.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    /**
     * Who uses the connection now.
     */
    interface Owner {
        /**
         * @param connection the connection
         * @param message    a decoded message; the owner releases it
         */
        void upstreamRead(UpstreamConnection connection, Object message);

        /**
         * @param connection the connection whose read burst ended
         */
        void upstreamReadComplete(UpstreamConnection connection);

        /**
         * @param connection the connection whose writability changed
         */
        void upstreamWritabilityChanged(UpstreamConnection connection);

        /**
         * The connection closed or failed.
         *
         * @param connection the connection
         * @param cause      the failure, or {@code null} when it just closed
         */
        void upstreamClosed(UpstreamConnection connection, Throwable cause);
    }

    private final UpstreamPool pool;
    private final TargetState key;
    private Channel channel;
    private Owner owner;
    private boolean closed;
    private long idleSince;

    UpstreamConnection(UpstreamPool pool, TargetState key) {
        this.pool = pool;
        this.key = key;
    }

    UpstreamPool pool() {
        return pool;
    }

    Channel channel() {
        return channel;
    }

    TargetState key() {
        return key;
    }

    void owner(Owner newOwner) {
        this.owner = newOwner;
    }

    Owner owner() {
        return owner;
    }

    long idleSince() {
        return idleSince;
    }

    void idleSince(long nanos) {
        this.idleSince = nanos;
    }

    boolean usable() {
        return !closed && channel.isActive();
    }

    /** Closes the connection without telling its owner. */
    void discard() {
        owner = null;
        closed = true;
        channel.close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Owner o = owner;
        if (o == null) {
            // An idle pooled connection should not receive anything: the target broke the protocol.
            ReferenceCountUtil.release(msg);
            closed = true;
            ctx.close();
            return;
        }
        o.upstreamRead(this, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.upstreamReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.upstreamWritabilityChanged(this);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        key.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        key.connectionClosed();
        closed = true;
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.upstreamClosed(this, null);
        } else {
            pool.forget(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Owner o = owner;
        if (o != null) {
            // The owner decides how to end (a WebSocket relay still sends close frames).
            o.upstreamClosed(this, cause);
        } else {
            closed = true;
            ctx.close();
            pool.forget(this);
        }
    }
}
