package io.gatehouse.container;

import io.gatehouse.contract.ContractResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client with prior knowledge over plain TCP (h2c), for the one thing the JDK's client
 * will not do: send a {@code :path} exactly as written ({@code ..}, a backslash, raw non-ASCII, a
 * malformed escape). Each request opens its own connection.
 */
final class H2cClient {

    private H2cClient() {
    }

    /**
     * @param base   the gateway's base URI (host and port)
     * @param target the {@code :path} to send, as is
     * @return the response
     */
    static ContractResponse get(URI base, String target) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().validateHeaders(false).build(),
                            new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                    // Pushed streams: none expected.
                                }
                            }));
                    }
                })
                .connect(base.getHost(), base.getPort()).sync().channel();
            try {
                CompletableFuture<ContractResponse> response = new CompletableFuture<>();
                Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new Collector(response))
                    .open().sync().getNow();
                Http2Headers headers = new DefaultHttp2Headers(false).method("GET").scheme("http")
                    .authority(base.getHost() + ":" + base.getPort()).path(target);
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true)).sync();
                return response.get(30, TimeUnit.SECONDS);
            } finally {
                connection.close().sync();
            }
        } catch (Exception e) {
            throw new IllegalStateException("h2c request for " + target + " failed", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Collects one stream's response. */
    private static final class Collector extends SimpleChannelInboundHandler<Http2StreamFrame> {

        private final CompletableFuture<ContractResponse> response;
        private final Map<String, List<String>> headers = new TreeMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;

        Collector(CompletableFuture<ContractResponse> response) {
            this.response = response;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean end = false;
            if (frame instanceof Http2HeadersFrame head) {
                if (status == 0) {
                    status = Integer.parseInt(head.headers().status().toString());
                }
                head.headers().forEach(h -> {
                    String name = h.getKey().toString().toLowerCase(Locale.ROOT);
                    if (!name.startsWith(":")) {
                        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(h.getValue().toString());
                    }
                });
                end = head.isEndStream();
            } else if (frame instanceof Http2DataFrame data) {
                byte[] bytes = new byte[data.content().readableBytes()];
                data.content().readBytes(bytes);
                body.writeBytes(bytes);
                end = data.isEndStream();
            }
            if (end) {
                response.complete(new ContractResponse(status, headers, headers.getOrDefault("set-cookie", List.of()),
                    body.toByteArray()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.completeExceptionally(new IllegalStateException("the stream closed before its response ended"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            response.completeExceptionally(cause);
        }
    }
}
