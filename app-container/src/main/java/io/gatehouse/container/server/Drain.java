package io.gatehouse.container.server;

import io.gatehouse.conversation.SessionSockets;
import io.gatehouse.conversation.SessionStreams;
import io.gatehouse.runtime.Readiness;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Internal;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The container's graceful stop, run by {@code GatehouseContainer}'s shutdown hook on SIGTERM
 * before the server and the application context stop:
 * <ol>
 *   <li>readiness goes down ({@link Readiness}: {@code /v1/health/ready} answers 503);</li>
 *   <li>for {@link ShutdownConfiguration#getAcceptPeriod()} nothing else changes: new connections
 *       and requests are still served while load balancers take the instance out;</li>
 *   <li>the listeners close: a new connection is refused by the operating system;</li>
 *   <li>idle keep-alive connections close; a connection answering a request closes once its
 *       response is written (with {@code Connection: close}); requests that arrive on it meanwhile
 *       are answered too;</li>
 *   <li>session WebSockets ({@link SessionSockets}) are closed with 1012 (service restart), and
 *       session event streams ({@link SessionStreams}) end with a {@code retry:} hint, so that
 *       their clients reconnect elsewhere and replay what they missed;</li>
 *   <li>after {@link ShutdownConfiguration#getGracePeriod()}, whatever is still open (a slow
 *       upstream, a proxied event stream, a proxied WebSocket, an HTTP/2 connection) is closed.</li>
 * </ol>
 * Every connection is tracked from its accept: HTTP/1.1 ones through their {@link DrainHandler};
 * others (HTTP/2, a TLS handshake in progress) count as busy until they close or the grace period
 * ends.
 */
@Singleton
@Internal
public final class Drain implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    private final Readiness readiness;
    private final ShutdownConfiguration configuration;
    private final BeanProvider<SessionStreams> sessionStreams;
    private final BeanProvider<SessionSockets> sessionSockets;
    private final Set<Channel> listeners = ConcurrentHashMap.newKeySet();
    /** Every open client connection, with its handler once its HTTP/1.1 pipeline is built (else a placeholder). */
    private final Map<Channel, Object> connections = new ConcurrentHashMap<>();
    private volatile boolean draining;

    private static final Object NO_HANDLER = new Object();

    Drain(Readiness readiness, ShutdownConfiguration configuration, BeanProvider<SessionSockets> sessionSockets,
          BeanProvider<SessionStreams> sessionStreams) {
        this.readiness = readiness;
        this.configuration = configuration;
        this.sessionSockets = sessionSockets;
        this.sessionStreams = sessionStreams;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new Root());
        return registry;
    }

    /**
     * Drains and returns when every connection has closed or the grace period has passed. Called
     * once, from the shutdown hook; the server is stopped afterwards.
     */
    public void run() {
        readiness.drain("SIGTERM");
        Duration accept = configuration.getAcceptPeriod();
        if (accept.isPositive()) {
            LOG.info("Draining: still accepting for {} ms", accept.toMillis());
            sleep(accept.toMillis());
        }
        draining = true;
        List<Channel> open = List.copyOf(listeners);
        for (Channel listener : open) {
            listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        int atStart = connections.size();
        LOG.info("Draining: stopped accepting ({} listener(s) closed); {} connection(s) open, waiting up to {} ms for them",
            open.size(), atStart, configuration.getGracePeriod().toMillis());
        connections.forEach(Drain::drain);
        // Session sockets and streams never end on their own: 1012 and retry: tell their clients to
        // reconnect elsewhere now.
        if (sessionSockets.isPresent()) {
            sessionSockets.get().goAway();
        }
        if (sessionStreams.isPresent()) {
            sessionStreams.get().goAway();
        }
        long deadline = System.nanoTime() + configuration.getGracePeriod().toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        }
        int left = connections.size();
        if (left == 0) {
            LOG.info("Draining: every connection closed");
            return;
        }
        LOG.warn("Draining: grace period over, closing {} connection(s) still busy", left);
        for (Channel channel : List.copyOf(connections.keySet())) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }

    /**
     * @return the number of client connections open now
     */
    int openConnections() {
        return connections.size();
    }

    private static void drain(Channel channel, Object handler) {
        if (handler instanceof DrainHandler drain) {
            channel.eventLoop().execute(drain::drain);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Specializes per listener and per connection. */
    private final class Root implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            if (role == ChannelRole.LISTENER) {
                listeners.add(channel);
                channel.closeFuture().addListener(f -> listeners.remove(channel));
                return this;
            }
            if (role == ChannelRole.CONNECTION) {
                if (draining) {
                    // Accepted in the instant the listener was closing: nothing has been read from it.
                    channel.close();
                    return this;
                }
                connections.put(channel, NO_HANDLER);
                channel.closeFuture().addListener(f -> connections.remove(channel));
                return new Connection(channel);
            }
            return this;
        }
    }

    /** Installs the connection's {@link DrainHandler} once its HTTP/1.1 pipeline is built. */
    private final class Connection implements NettyServerCustomizer {
        private final Channel channel;

        Connection(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel child, ChannelRole role) {
            return this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            ChannelPipeline pipeline = channel.pipeline();
            String codec = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
            if (pipeline.get(codec) == null || pipeline.get(DrainHandler.NAME) != null) {
                return;
            }
            DrainHandler handler = new DrainHandler();
            pipeline.addAfter(codec, DrainHandler.NAME, handler);
            // The other customizers (front door, client guard, proxy) also insert themselves right
            // after the codec, in no fixed order: once they all have, move this handler back next to
            // the codec, so that it sees every request and every response, whoever writes it.
            connections.replace(channel, NO_HANDLER, handler);
            channel.eventLoop().execute(() -> nextToCodec(channel, codec, handler));
            if (draining) {
                channel.eventLoop().execute(handler::drain);
            }
        }
    }

    private void nextToCodec(Channel channel, String codec, DrainHandler handler) {
        ChannelPipeline pipeline = channel.pipeline();
        List<String> names = pipeline.names();
        int at = names.indexOf(codec);
        if (at < 0 || at + 1 >= names.size() || names.get(at + 1).equals(DrainHandler.NAME)
            || pipeline.get(DrainHandler.NAME) != handler) {
            return;
        }
        pipeline.remove(DrainHandler.NAME);
        DrainHandler moved = new DrainHandler(handler);
        pipeline.addAfter(codec, DrainHandler.NAME, moved);
        connections.replace(channel, handler, moved);
    }
}
