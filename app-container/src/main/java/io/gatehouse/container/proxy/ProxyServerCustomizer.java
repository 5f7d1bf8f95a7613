package io.gatehouse.container.proxy;

import io.gatehouse.container.framing.RequestFramingHandler;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import jakarta.inject.Singleton;

/**
 * Registers the streaming proxy with Micronaut's Netty server: every HTTP/1.1 connection gets a
 * {@link ProxyConnectionHandler} right after the {@code HttpServerCodec} and the
 * {@link RequestFramingHandler}, before Micronaut's own request handler. HTTP/2 connections are
 * left to Micronaut alone.
 */
@Singleton
@Internal
@Requires(property = StreamingProxyConfiguration.PREFIX + ".enabled", notEquals = "false")
final class ProxyServerCustomizer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The name of the proxy handler in the server pipeline. */
    static final String HANDLER_NAME = "gatehouse-proxy";

    /** The name of the container's client guard ({@code io.gatehouse.container.server}), when installed. */
    private static final String CLIENT_GUARD = "gatehouse-client-guard";

    private final BeanProvider<StreamingProxy> proxy;

    ProxyServerCustomizer(BeanProvider<StreamingProxy> proxy) {
        this.proxy = proxy;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new ServerCustomizer());
        return registry;
    }

    /** Specializes per connection. */
    private final class ServerCustomizer implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new ConnectionCustomizer(channel) : this;
        }
    }

    /** Inserts the handler once the HTTP/1.1 pipeline is built. */
    private final class ConnectionCustomizer implements NettyServerCustomizer {
        private final Channel channel;

        ConnectionCustomizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel child, ChannelRole role) {
            return this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                && pipeline.get(HANDLER_NAME) == null) {
                // Behind the front door (RequestFramingHandler) and the client guard, whichever of
                // them are in place and in whatever order their customizers ran: both insert
                // themselves right after the codec, so the last of the three is the proxy's place.
                String after = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
                for (String name : pipeline.names()) {
                    if (name.equals(RequestFramingHandler.NAME) || name.equals(CLIENT_GUARD)) {
                        after = name;
                    }
                }
                pipeline.addAfter(after, HANDLER_NAME, new ProxyConnectionHandler(proxy.get()));
            }
        }
    }
}
