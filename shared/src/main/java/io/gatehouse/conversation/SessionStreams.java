package io.gatehouse.conversation;

import io.gatehouse.identity.Validation;
import io.gatehouse.security.GatewayPrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.util.StringUtils;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The live stream of one session, as Server-Sent Events: {@code GET /v1/session/{id}/events} with
 * {@code Accept: text/event-stream}. Each event is {@code id: <event_id>} and
 * {@code data: <the event as history pages show it>}; an idle stream carries a heartbeat comment
 * every {@code gateway.conversations.heartbeat}.
 *
 * <p>Replay without gaps or duplicates: the stream subscribes to the {@link SessionHub} first, so
 * that nothing published from then on is missed, then reads what the client missed (the events after
 * its {@code Last-Event-ID}) from PostgreSQL, a page at a time as the client reads, and only then
 * delivers the live events it held meanwhile, dropping those the replay already carried. A client
 * that reads slower than events arrive fills the stream's bounded buffer
 * ({@code gateway.conversations.stream-buffer}) and is disconnected; it reconnects with its
 * {@code Last-Event-ID} and replays from the database, and the heap never grows with it.
 *
 * <p>Streams need a process that keeps connections open: Lambda turns them off
 * ({@code gateway.conversations.stream.enabled: false}), and the endpoint answers 406 there.
 */
@Singleton
@Requires(property = SessionStreamsConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class SessionStreams {

    /** The request header naming the last event a reconnecting client received. */
    public static final String LAST_EVENT_ID = "Last-Event-ID";

    /** How many recently delivered event ids a stream remembers to drop a repeat. */
    static final int REMEMBERED = 64;

    private static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

    /**
     * The first bytes of every stream: the response head is only sent with the first chunk, and a
     * client should know at once that its stream is open, not at the first event or heartbeat.
     */
    private static final byte[] OPENED = ": stream open\n\n".getBytes(StandardCharsets.UTF_8);

    private static final ThreadLocal<Frame> LAST_FRAME = new ThreadLocal<>();

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    /**
     * The reconnection delays a stopping instance spreads its clients over, in milliseconds, so
     * that thousands of them do not come back in the same instant.
     */
    static final int MIN_RETRY_MS = 1_000;
    static final int MAX_RETRY_MS = 3_000;

    private final ConversationService sessions;
    private final SessionHub hub;
    private final ConversationStore store;
    private final ConversationConfiguration configuration;
    private final Scheduler blocking;
    private final Counter opened;
    private final Counter slowReaders;
    /** The open streams, each ended by its sink when the instance stops. */
    private final Set<Sinks.Empty<Void>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    SessionStreams(ConversationService sessions, SessionHub hub, ConversationStore store, ConversationConfiguration configuration,
                   @Named(TaskExecutors.BLOCKING) ExecutorService blocking, MeterRegistry registry) {
        this.sessions = sessions;
        this.hub = hub;
        this.store = store;
        this.configuration = configuration;
        this.blocking = Schedulers.fromExecutorService(blocking, "gatehouse-stream-replay");
        this.opened = Counter.builder("gatehouse_streams_opened").description("Session streams opened").register(registry);
        this.slowReaders = Counter.builder("gatehouse_stream_disconnects").description("Session streams closed by the gateway")
            .tag("reason", "slow_reader").register(registry);
    }

    /**
     * Thrown into a stream whose client does not keep up: the connection is closed.
     */
    static final class SlowReader extends RuntimeException {
        SlowReader(int buffered) {
            super("The client did not read " + buffered + " buffered events; closing its stream", null, false, false);
        }
    }

    /**
     * {@code GET /v1/session/{id}/events} as {@code text/event-stream}: admits the caller as the
     * JSON history does (401, 403 and 404 envelopes before the stream starts), then opens it.
     *
     * @param request   the request
     * @param sessionId the session
     * @param after     the last event the client has, or {@code null}
     * @param field     where {@code after} came from ({@value #LAST_EVENT_ID} or {@code after}), for a 400
     * @return the stream
     */
    public Flux<byte[]> stream(HttpRequest<?> request, String sessionId, @Nullable String after, String field) {
        GatewayPrincipal principal = sessions.admit(request, sessionId, null);
        Validation v = new Validation();
        if (after != null && !Ids.plausible(after)) {
            v.problem(field, "is not an event id");
        }
        v.check();
        ConversationSession session = sessions.readable(principal, sessionId);
        Flux<byte[]> stream = open(session.id(), after);
        if (stream == null) {
            v.problem(field, "is not an event of this session");
            v.check();
        }
        return stream;
    }

    /**
     * Opens the stream of a session the caller was admitted to. Checks {@code after} before it
     * returns, so that an unknown one is refused before any byte of the stream is sent; the rest
     * happens when the stream is subscribed to, and ends when it ends (its hub subscription is never
     * left behind by a response that was not sent).
     *
     * @param sessionId the session, readable by the caller
     * @param after     the last event the client has ({@code Last-Event-ID}), or {@code null} for live
     *                  events only
     * @return the stream's chunks, each one whole SSE event or comment, or {@code null} when
     *         {@code after} is not an event of this session
     */
    public @Nullable Flux<byte[]> open(String sessionId, @Nullable String after) {
        if (after != null && store.event(sessionId, after) == null) {
            return null;
        }
        return Flux.defer(() -> subscribe(sessionId, after));
    }

    private Flux<byte[]> subscribe(String sessionId, @Nullable String after) {
        int capacity = Math.max(1, configuration.getStreamBuffer());
        Sinks.Many<ConversationStore.StoredEvent> live = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(capacity));
        // A full buffer ends the stream at once: an error in the live events would wait behind them.
        Sinks.Empty<byte[]> overflow = Sinks.empty();
        Object emitting = new Object();
        // Subscribed before the replay is read: an event stored meanwhile is in one or the other (or both).
        SessionHub.Subscription subscription = hub.subscribe(sessionId, event -> {
            // The hub calls from several threads (the Kafka listener, request threads); a sink wants one at a time.
            synchronized (emitting) {
                if (live.tryEmitNext(event) == Sinks.EmitResult.FAIL_OVERFLOW
                    && overflow.tryEmitError(new SlowReader(capacity)) == Sinks.EmitResult.OK) {
                    slowReaders.increment();
                }
            }
        });
        opened.increment();
        DeliveredEvents delivered = new DeliveredEvents(REMEMBERED);
        int page = configuration.getMaxPage();
        Flux<byte[]> head;
        Flux<ConversationStore.StoredEvent> replay;
        if (after == null) {
            // The stream starts after the last event stored when it opens: an event stored before, still
            // on its way to the hub (through the inbound topic), is not news to it. The opening comment
            // follows that read, so whatever is stored once the client has it is on the stream.
            head = Mono.fromCallable(() -> store.lastSeq(sessionId)).subscribeOn(blocking).doOnNext(delivered::openedAfter)
                .thenReturn(OPENED).flux();
            replay = Flux.empty();
        } else {
            head = Flux.just(OPENED);
            replay = page(sessionId, after, page)
                .expand(events -> events.size() < page ? Mono.empty() : page(sessionId, events.getLast().eventId(), page))
                .concatMapIterable(events -> events)
                .doOnNext(delivered::replayed);
        }
        Flux<byte[]> events = Flux.concat(replay, live.asFlux().filter(delivered::fresh)).map(SessionStreams::frame);
        Duration heartbeat = configuration.getHeartbeat() == null || configuration.getHeartbeat().toMillis() < MIN_HEARTBEAT.toMillis()
            ? MIN_HEARTBEAT : configuration.getHeartbeat();
        Flux<byte[]> heartbeats = Flux.interval(heartbeat, heartbeat).map(tick -> HEARTBEAT).onBackpressureDrop();
        Sinks.Empty<Void> stopping = Sinks.empty();
        open.add(stopping);
        if (stopped) {
            stopping.tryEmitEmpty();
        }
        // Nothing else completes the merge (the heartbeats never end): once the instance stops, the
        // stream ends with the hint. An error (a slow reader) or a client gone ends it without.
        return Flux.merge(8, head.concatWith(events), heartbeats, overflow.asMono())
            .takeUntilOther(stopping.asMono().then(Mono.just(Boolean.TRUE)))
            .concatWith(Mono.fromSupplier(SessionStreams::retry))
            .doFinally(signal -> {
                open.remove(stopping);
                subscription.close();
            });
    }

    /**
     * Ends every open stream with a {@code retry:} hint (1 to 3 s, spread at random), as the
     * instance stops: clients reconnect, reaching another instance, and replay from their
     * {@code Last-Event-ID}. Events not yet written are not lost: they are stored, and the replay
     * carries them.
     */
    public void goAway() {
        stopped = true;
        for (Sinks.Empty<Void> stream : List.copyOf(open)) {
            stream.tryEmitEmpty();
        }
    }

    /** @return the stream's last chunk when the instance stops: a reconnection delay, spread at random */
    static byte[] retry() {
        return ("retry: " + ThreadLocalRandom.current().nextInt(MIN_RETRY_MS, MAX_RETRY_MS + 1) + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Mono<List<ConversationStore.StoredEvent>> page(String sessionId, String after, int size) {
        return Mono.fromCallable(() -> store.events(sessionId, after, size)).subscribeOn(blocking);
    }

    /**
     * @param event a stored event
     * @return it as one SSE event: its id, and its JSON as data (one line per line, though the
     *         stored JSON has none). The hub hands one event to every stream of its session in turn
     *         on one thread, so the last frame built on a thread is kept and shared: ten streams of
     *         a session cost one frame, not ten (read-only bytes, which Netty only reads).
     */
    static byte[] frame(ConversationStore.StoredEvent event) {
        Frame last = LAST_FRAME.get();
        if (last != null && last.event() == event) {
            return last.bytes();
        }
        byte[] bytes = build(event);
        LAST_FRAME.set(new Frame(event, bytes));
        return bytes;
    }

    private record Frame(ConversationStore.StoredEvent event, byte[] bytes) {
    }

    private static byte[] build(ConversationStore.StoredEvent event) {
        String body = event.body();
        StringBuilder out = new StringBuilder(body.length() + event.eventId().length() + 16);
        out.append("id: ").append(event.eventId()).append('\n');
        if (body.indexOf('\n') < 0 && body.indexOf('\r') < 0) {
            // The stored JSON never has a line break (the serializer escapes them): no split, which
            // would compile a pattern for each subscriber of each event.
            out.append("data: ").append(body).append('\n');
        } else {
            for (String line : LINE_BREAK.split(body, -1)) {
                out.append("data: ").append(line).append('\n');
            }
        }
        return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
