package io.gatehouse.container.proxy;

import io.gatehouse.upstream.TargetState;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keep-alive connections to targets for one event loop. Connections are opened on the loop of the
 * client connection that needs them, so a proxied exchange never crosses threads, and the pool
 * needs no locks. Idle connections are reused last-in first-out; those idle longer than the pool's
 * idle timeout, or closed by the target meanwhile, are dropped.
 */
final class UpstreamPool {

    /** The name of the HTTP codec in an upstream connection's pipeline. */
    static final String CODEC = "gatehouse-upstream-codec";

    /**
     * Receives the connection asked for.
     */
    interface Acquirer {
        /**
         * @param connection the connection, open and ready for a request
         * @param reused     whether it served a request before (it may have been closed by the target meanwhile)
         */
        void connected(UpstreamConnection connection, boolean reused);

        /**
         * @param cause why no connection could be opened
         */
        void connectFailed(Throwable cause);
    }

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Supplier<SslContext> ssl;
    private final int maxIdlePerTarget;
    private final long idleTimeoutNanos;
    private final Map<TargetState, ArrayDeque<UpstreamConnection>> idle = new IdentityHashMap<>();

    UpstreamPool(EventLoop loop, Class<? extends Channel> channelClass, Supplier<SslContext> ssl,
                 int maxIdlePerTarget, Duration idleTimeout) {
        this.loop = loop;
        this.ssl = ssl;
        this.maxIdlePerTarget = maxIdlePerTarget;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.bootstrap = new Bootstrap().group(loop).channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /**
     * Hands a connection to the target to {@code acquirer}: an idle one at once, or a new one
     * once connected.
     *
     * @param target         the target
     * @param connectTimeout the route's connect timeout
     * @param acquirer       who receives it
     */
    void acquire(TargetState target, Duration connectTimeout, Acquirer acquirer) {
        ArrayDeque<UpstreamConnection> queue = idle.get(target);
        if (queue != null) {
            long now = System.nanoTime();
            UpstreamConnection c;
            while ((c = queue.pollLast()) != null) {
                target.idleConnections(-1);
                if (c.usable() && now - c.idleSince() < idleTimeoutNanos) {
                    acquirer.connected(c, true);
                    return;
                }
                c.discard();
            }
        }
        connect(target, connectTimeout, acquirer);
    }

    /**
     * Takes a connection back after an exchange.
     *
     * @param connection the connection
     * @param reusable   whether the exchange left it clean for another request
     */
    void release(UpstreamConnection connection, boolean reusable) {
        connection.owner(null);
        if (!reusable || !connection.usable()) {
            connection.discard();
            return;
        }
        ArrayDeque<UpstreamConnection> queue = idle.computeIfAbsent(connection.key(), k -> new ArrayDeque<>());
        if (queue.size() >= maxIdlePerTarget) {
            connection.discard();
            return;
        }
        connection.idleSince(System.nanoTime());
        queue.addLast(connection);
        connection.key().idleConnections(1);
    }

    /**
     * Drops a pooled connection the target closed.
     *
     * @param connection the connection
     */
    void forget(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> queue = idle.get(connection.key());
        if (queue != null) {
            if (queue.remove(connection)) {
                connection.key().idleConnections(-1);
            }
            if (queue.isEmpty()) {
                idle.remove(connection.key());
            }
        }
    }

    /**
     * @return idle connections held now, for tests
     */
    int idleCount() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private void connect(TargetState target, Duration connectTimeout, Acquirer acquirer) {
        UpstreamConnection connection = new UpstreamConnection(this, target);
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        Bootstrap b = bootstrap.clone()
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .handler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (target.secure()) {
                        SslHandler handler = ssl.get().newHandler(ch.alloc(), target.host(), target.port());
                        SSLEngine engine = handler.engine();
                        SSLParameters parameters = engine.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        engine.setSSLParameters(parameters);
                        handler.setHandshakeTimeoutMillis(timeoutMillis);
                        ch.pipeline().addLast("ssl", handler);
                    }
                    ch.pipeline().addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(8192)
                        .setMaxHeaderSize(65536)
                        .setMaxChunkSize(65536), false, false));
                    ch.pipeline().addLast("gatehouse-upstream", connection);
                }
            });
        ChannelFuture future = b.connect(target.host(), target.port());
        future.addListener(f -> {
            if (!f.isSuccess()) {
                if (loop.inEventLoop()) {
                    acquirer.connectFailed(f.cause());
                } else {
                    // A channel that could not even be created (EMFILE on socket()) fails on Netty's
                    // global executor; the exchange lives on this loop.
                    loop.execute(() -> acquirer.connectFailed(f.cause()));
                }
                return;
            }
            SslHandler sslHandler = future.channel().pipeline().get(SslHandler.class);
            if (sslHandler == null) {
                acquirer.connected(connection, false);
            } else {
                sslHandler.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        acquirer.connected(connection, false);
                    } else {
                        future.channel().close();
                        acquirer.connectFailed(h.cause());
                    }
                });
            }
        });
    }

    EventLoop loop() {
        return loop;
    }
}
