package io.gatehouse.container.framing;

import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.policy.PolicyChains;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import jakarta.inject.Singleton;

/**
 * Puts a {@link RequestFramingHandler} right after the {@code HttpServerCodec} of every HTTP/1.1
 * connection, whoever answers its requests (the streaming proxy or Micronaut).
 *
 * <p>On a plain HTTP/1.1 connection it also replaces Micronaut's codec with an identical one (the
 * same {@code micronaut.server.netty.*} limits and header validation) whose request headers remember
 * a {@code Content-Length} that Netty's decoder drops when {@code Transfer-Encoding: chunked} is
 * present, so that such a request is refused rather than silently reframed. The codec is replaced
 * before the connection reads its first byte.
 */
@Singleton
@Internal
@Requires(property = RequestFramingCustomizer.ENABLED, notEquals = "false")
final class RequestFramingCustomizer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    /** The switch: {@code gateway.request-framing.enabled}, on unless set to {@code false}. */
    static final String ENABLED = "gateway.request-framing.enabled";

    private final NettyHttpServerConfiguration server;
    private final ErrorResponses errors;
    private final String apiVersion;
    private final BeanProvider<PolicyChains> chains;

    RequestFramingCustomizer(NettyHttpServerConfiguration server, ErrorResponses errors, GatewayConfiguration gateway,
                             BeanProvider<PolicyChains> chains) {
        this.server = server;
        this.errors = errors;
        this.apiVersion = gateway.getApiVersion();
        this.chains = chains;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new ServerCustomizer());
        return registry;
    }

    private HttpServerCodec codec() {
        HttpDecoderConfig config = new HttpDecoderConfig()
            .setMaxInitialLineLength(server.getMaxInitialLineLength())
            .setMaxHeaderSize(server.getMaxHeaderSize())
            .setMaxChunkSize(server.getMaxChunkSize())
            .setValidateHeaders(server.isValidateHeaders())
            .setInitialBufferSize(server.getInitialBufferSize());
        config.setHeadersFactory(new RequestFramingHandler.FramingHeadersFactory(config.getHeadersFactory()));
        return new HttpServerCodec(config);
    }

    private static final NettyServerCustomizer NO_OP = new NettyServerCustomizer() {
    };

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
            // HTTP/2 streams: Netty's HTTP/2 codec frames them; nothing to insert into the connection.
            return NO_OP;
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(RequestFramingHandler.NAME) != null) {
                return;
            }
            String codecName = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
            if (pipeline.get(codecName) != null) {
                // A plain HTTP/1.1 connection that has read nothing yet.
                pipeline.replace(codecName, codecName, codec());
            } else {
                // The HTTP/1.1 fallback of an h2c server: the codec already decoded the first request.
                ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
                if (codec == null) {
                    return;
                }
                codecName = codec.name();
            }
            pipeline.addAfter(codecName, RequestFramingHandler.NAME, new RequestFramingHandler(errors, apiVersion, chains.get()));
        }
    }
}
