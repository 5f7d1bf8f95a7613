package io.gatehouse.conversation;

import io.gatehouse.error.ErrorResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;

/**
 * Opens the protocol side of session WebSockets ({@link SessionSocket}), whatever carries the
 * frames: the container's {@code @ServerWebSocket} hands each connection's frames to the socket
 * it opens here. Holds what every connection shares: the intake, the hub, the store, the settings,
 * the executors and the meters.
 */
@Singleton
@Requires(property = SessionSocketConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class SessionSockets {

    final ConversationService sessions;
    final SessionHub hub;
    final ConversationStore store;
    final ConversationConfiguration configuration;
    final SessionSocketConfiguration socketConfiguration;
    final ErrorResponses errors;
    final JsonMapper json;
    final ExecutorService blocking;
    final TaskScheduler scheduler;
    final Counter slowReaders;
    final Counter refused;
    final Counter flooding;
    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

    private final Set<SessionSocket> open = ConcurrentHashMap.newKeySet();
    private final Counter opened;
    /** One timer pings every socket: a timer per socket would cost each idle one a task on the heap. */
    private @Nullable ScheduledFuture<?> heartbeat;

    SessionSockets(ConversationService sessions, SessionHub hub, ConversationStore store, ConversationConfiguration configuration,
                   SessionSocketConfiguration socketConfiguration, ErrorResponses errors, JsonMapper json,
                   @Named(TaskExecutors.BLOCKING) ExecutorService blocking, @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler,
                   MeterRegistry registry) {
        this.sessions = sessions;
        this.hub = hub;
        this.store = store;
        this.configuration = configuration;
        this.socketConfiguration = socketConfiguration;
        this.errors = errors;
        this.json = json;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.opened = Counter.builder("gatehouse_session_sockets_opened").description("Session WebSockets opened").register(registry);
        this.slowReaders = Counter.builder("gatehouse_session_socket_disconnects").description("Session WebSockets closed by the gateway")
            .tag("reason", "slow_reader").register(registry);
        this.refused = Counter.builder("gatehouse_session_socket_disconnects").description("Session WebSockets closed by the gateway")
            .tag("reason", "refused").register(registry);
        this.flooding = Counter.builder("gatehouse_session_socket_disconnects").description("Session WebSockets closed by the gateway")
            .tag("reason", "too_many_frames").register(registry);
        Gauge.builder("gatehouse_session_sockets_open", open, Set::size).description("Session WebSockets open on this instance")
            .register(registry);
    }

    /**
     * Opens the protocol of one upgraded connection: the caller is admitted (off the calling
     * thread) and the path's session subscribed; frames the client sends meanwhile wait their turn.
     *
     * @param upgrade   the upgrade request; its credential is admitted at once and again for each
     *                  message or action
     * @param sessionId the session of the path
     * @param after     the last event the client has ({@code ?after=}), or {@code null}
     * @param peer      the connection
     * @return the socket, to hand the client's frames and the end of the connection to
     */
    public SessionSocket open(HttpRequest<?> upgrade, String sessionId, @Nullable String after, SessionSocket.Peer peer) {
        opened.increment();
        SessionSocket socket = new SessionSocket(this, upgrade, peer);
        open.add(socket);
        startHeartbeat();
        socket.start(sessionId, after);
        return socket;
    }

    /**
     * Closes every socket of this instance with 1012 (service restart), once the frames queued for
     * each are handed to the network, so that clients reconnect to another instance (and replay
     * with {@code after}) instead of waiting for the end of a graceful stop's grace period.
     */
    public void goAway() {
        for (SessionSocket socket : List.copyOf(open)) {
            socket.goAway();
        }
    }

    private synchronized void startHeartbeat() {
        if (heartbeat != null) {
            return;
        }
        Duration configured = configuration.getHeartbeat();
        Duration period = configured == null || configured.compareTo(MIN_HEARTBEAT) < 0 ? MIN_HEARTBEAT : configured;
        heartbeat = scheduler.scheduleAtFixedRate(period, period, () -> {
            for (SessionSocket socket : open) {
                socket.ping();
            }
        });
    }

    @PreDestroy
    synchronized void stop() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
    }

    /**
     * @param socket a socket that ended
     */
    void forget(SessionSocket socket) {
        open.remove(socket);
    }
}
