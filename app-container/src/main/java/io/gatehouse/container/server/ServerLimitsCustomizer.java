package io.gatehouse.container.server;

import io.gatehouse.runtime.LocalResources;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import jakarta.inject.Singleton;

import java.util.concurrent.TimeUnit;

/**
 * Puts the {@link ServerLimits} on Micronaut's Netty server: counts every accepted connection
 * (one above {@code gateway.server.max-connections} is answered 503 {@code overloaded} and closed),
 * gives every HTTP/1.1 connection a {@link ClientGuard}, and keeps the listener from logging every
 * accept that fails for want of descriptors: such a failure starts a {@link LocalResources}
 * episode (logged once), and accepting pauses for a second, as Netty's own acceptor does.
 */
@Singleton
@Internal
@Requires(property = ServerLimitsConfiguration.PREFIX + ".enabled", notEquals = "false")
final class ServerLimitsCustomizer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The name of the listener's handler for failed accepts. */
    static final String ACCEPT_GUARD = "gatehouse-accept-guard";

    private final ServerLimits limits;

    ServerLimitsCustomizer(ServerLimits limits) {
        this.limits = limits;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new Root());
        return registry;
    }

    /** Specializes per listener and per connection. */
    private final class Root implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            if (role == ChannelRole.LISTENER) {
                if (channel.pipeline().get(ACCEPT_GUARD) == null) {
                    channel.pipeline().addFirst(ACCEPT_GUARD, new AcceptGuard(limits.resources()));
                }
                return this;
            }
            if (role == ChannelRole.CONNECTION) {
                boolean over = limits.opened();
                channel.closeFuture().addListener(f -> limits.closed());
                return new Connection(channel, over);
            }
            return this;
        }
    }

    /** Installs the guard once the HTTP/1.1 pipeline is built; refuses other protocols above the limit. */
    private final class Connection implements NettyServerCustomizer {
        private final Channel channel;
        private final boolean over;

        Connection(Channel channel, boolean over) {
            this.channel = channel;
            this.over = over;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel child, ChannelRole role) {
            return this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(ClientGuard.MESSAGES_NAME) != null) {
                return;
            }
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) == null) {
                if (over) {
                    // HTTP/2: no envelope without a stream; the client sees the connection refused.
                    channel.close();
                }
                return;
            }
            ClientGuard guard = new ClientGuard(limits, over);
            pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, ClientGuard.BYTES_NAME, guard.bytes());
            pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, ClientGuard.MESSAGES_NAME, guard.messages());
        }
    }

    /**
     * First on the listener's pipeline: an accept that failed for want of a local resource starts
     * an episode instead of a warning per attempt, and accepting pauses for a second.
     */
    @ChannelHandler.Sharable
    private static final class AcceptGuard extends ChannelInboundHandlerAdapter {
        private final LocalResources resources;

        AcceptGuard(LocalResources resources) {
            this.resources = resources;
        }

        @Override
        @SuppressWarnings("deprecation")
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LocalResources.Shortage shortage = LocalResources.localFailure(cause);
            if (shortage == null) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            resources.exhausted(shortage);
            if (ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(false);
                ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true), 1, TimeUnit.SECONDS);
            }
        }
    }
}
