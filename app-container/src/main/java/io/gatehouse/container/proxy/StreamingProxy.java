package io.gatehouse.container.proxy;

import io.gatehouse.api.OwnedPaths;
import io.gatehouse.config.GatewayConfiguration;
import io.gatehouse.definition.GatewayState;
import io.gatehouse.route.PathNormaliser;
import io.gatehouse.observability.GatewayMetrics;
import io.gatehouse.policy.PolicyChains;
import io.gatehouse.upstream.ConnectionPools;
import io.gatehouse.security.RouteAccessFilterConfiguration;
import io.gatehouse.error.ErrorResponses;
import io.gatehouse.proxy.ProxyConfiguration;
import io.gatehouse.runtime.LocalResources;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import jakarta.inject.Singleton;

import javax.net.ssl.SSLException;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/**
 * What every proxied connection shares: the gateway state, the paths the gateway owns, the error
 * envelope writer, the settings, and one {@link UpstreamPool} per event loop, whose connections it
 * reports on each target ({@link ConnectionPools}).
 */
@Singleton
@Internal
final class StreamingProxy implements ConnectionPools {

    private final GatewayState state;
    private final OwnedPaths ownedPaths;
    private final ErrorResponses errors;
    private final ProxyConfiguration proxyConfiguration;
    private final StreamingProxyConfiguration configuration;
    private final EventLoopGroupFactory eventLoopGroupFactory;
    /** Kept in Netty's byte form: it goes out on every response. */
    private final AsciiString apiVersion;
    private final PolicyChains chains;
    private final LocalResources localResources;
    private final AsciiString principalHeader;
    private final PathNormaliser pathNormaliser;
    private final GatewayMetrics metrics;
    private final FastThreadLocal<UpstreamPool> pools = new FastThreadLocal<>();
    private volatile SslContext clientSsl;

    StreamingProxy(GatewayState state, OwnedPaths ownedPaths, ErrorResponses errors, ProxyConfiguration proxyConfiguration,
                   StreamingProxyConfiguration configuration, GatewayConfiguration gatewayConfiguration,
                   EventLoopGroupFactory eventLoopGroupFactory, PolicyChains chains,
                   RouteAccessFilterConfiguration accessConfiguration, PathNormaliser pathNormaliser,
                   LocalResources localResources, GatewayMetrics metrics) {
        this.localResources = localResources;
        this.metrics = metrics;
        this.state = state;
        this.ownedPaths = ownedPaths;
        this.errors = errors;
        this.proxyConfiguration = proxyConfiguration;
        this.configuration = configuration;
        this.eventLoopGroupFactory = eventLoopGroupFactory;
        this.apiVersion = AsciiString.cached(gatewayConfiguration.getApiVersion());
        this.chains = chains;
        String header = accessConfiguration.getPrincipalHeader();
        this.principalHeader = header == null || header.isBlank() ? null : AsciiString.cached(header);
        this.pathNormaliser = pathNormaliser;
    }

    /**
     * @return the path normalisation rule every request passes before anything is matched
     */
    PathNormaliser pathNormaliser() {
        return pathNormaliser;
    }

    /**
     * @return the policy chain of every route, which every proxied request passes before it is forwarded
     */
    PolicyChains chains() {
        return chains;
    }

    /**
     * @return the response header naming the principal ({@code gateway.route-access.principal-header}), or {@code null}
     */
    AsciiString principalHeader() {
        return principalHeader;
    }

    /**
     * @return the gateway's meters
     */
    GatewayMetrics metrics() {
        return metrics;
    }

    GatewayState state() {
        return state;
    }

    ErrorResponses errors() {
        return errors;
    }

    AsciiString apiVersion() {
        return apiVersion;
    }

    /**
     * @return the gateway's own resources, told of every local failure
     */
    LocalResources localResources() {
        return localResources;
    }

    /**
     * @return {@code gateway.proxy.max-request-body}
     */
    long maxRequestBody() {
        return proxyConfiguration.getMaxRequestBody();
    }

    boolean trustForwardedHeaders() {
        return proxyConfiguration.isTrustForwardedHeaders();
    }

    StreamingProxyConfiguration configuration() {
        return configuration;
    }

    /**
     * @return the paths the gateway owns, which this engine leaves to Micronaut whatever routes match them
     */
    OwnedPaths ownedPaths() {
        return ownedPaths;
    }

    /**
     * @param server a client connection of the server, on its event loop
     * @return the pool of that event loop
     */
    UpstreamPool pool(Channel server) {
        UpstreamPool pool = pools.get();
        if (pool == null || pool.loop() != server.eventLoop()) {
            EventLoop loop = server.eventLoop();
            pool = new UpstreamPool(loop, clientChannelClass(server), this::clientSsl,
                configuration.getPoolMaxIdlePerTarget(), configuration.getPoolIdleTimeout());
            pools.set(pool);
        }
        return pool;
    }

    private Class<? extends Channel> clientChannelClass(Channel server) {
        if (server instanceof NioSocketChannel) {
            return NioSocketChannel.class;
        }
        return eventLoopGroupFactory.channelClass(NettyChannelType.CLIENT_SOCKET);
    }

    private SslContext clientSsl() {
        SslContext context = clientSsl;
        if (context == null) {
            synchronized (this) {
                context = clientSsl;
                if (context == null) {
                    try {
                        // The JDK's default trust store; HTTP/1.1 only (no ALPN).
                        context = SslContextBuilder.forClient().build();
                    } catch (SSLException e) {
                        throw new UncheckedIOException(new IOException("Cannot create the TLS client context", e));
                    }
                    clientSsl = context;
                }
            }
        }
        return context;
    }

    /**
     * A random (version 4) UUID for a request without a usable id. {@link UUID#randomUUID()} draws
     * from the shared {@code SecureRandom}, a lock contended by every event loop; request ids need
     * uniqueness, not secrecy.
     *
     * @return a new id
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
