package io.gatehouse.conversation;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.Validation;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.policy.idempotency.IdempotencyKeys;
import io.gatehouse.security.GatewayPrincipal;
import io.micrometer.core.instrument.Counter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.tree.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The protocol of one session WebSocket ({@code /v1/session/{id}/stream}, see docs/streams.md),
 * apart from the engine that carries its frames ({@link Peer}).
 *
 * <p>Outbound: the events of every session the connection follows ({@code {"type":"event"}}), each
 * subscription replaying after its {@code after} from PostgreSQL a page at a time as the client
 * reads and then its live events from the {@link SessionHub}, as a stream of Server-Sent Events
 * does ({@link DeliveredEvents} drops what the replay carried). Frames wait in one bounded queue
 * ({@code gateway.conversations.websocket.max-pending}); a few at a time are handed to the network,
 * the next ones only when those are written, so a client that stops reading fills the queue and
 * is closed with 1013 instead of making the heap grow.
 *
 * <p>Inbound: frames are handled one at a time, in order, on the blocking executor (admission and
 * the intake touch PostgreSQL); at most {@value #MAX_INBOUND} wait, one more closes with 1013.
 * Nothing here blocks the thread that delivers a frame or a hub event.
 */
public final class SessionSocket {

    /** The largest frame a client may send, in bytes (a message of the longest text fits). */
    public static final int MAX_FRAME = 262_144;

    /** Policy violation: the caller was not admitted. */
    public static final int POLICY_VIOLATION = 1008;

    /** Internal error. */
    public static final int INTERNAL_ERROR = 1011;

    /** Service restart: the instance is stopping; reconnect (to another). */
    public static final int SERVICE_RESTART = 1012;

    /** Try again later: the client did not read its frames. */
    public static final int TRY_AGAIN_LATER = 1013;

    /** How many client frames may wait to be handled. */
    static final int MAX_INBOUND = 64;

    /** How many outbound frames are handed to the network before the first of them is written. */
    static final int WINDOW = 8;

    private static final Logger LOG = LoggerFactory.getLogger(SessionSocket.class);
    private static final int MAX_REF = 128;
    /** A frame's idempotency key: what the {@code Idempotency-Key} header is to a {@code POST}. */
    private static final String IDEMPOTENCY_KEY = "idempotency_key";
    private static final Map<String, Set<String>> FIELDS = Map.of(
        "message", Set.of("type", "ref", IDEMPOTENCY_KEY, "session_id", "persona_id", "message", "attachments", "metadata"),
        "action", Set.of("type", "ref", IDEMPOTENCY_KEY, "session_id", "action", "params"),
        "subscribe", Set.of("type", "ref", "session_id", "after"),
        "unsubscribe", Set.of("type", "ref", "session_id"));
    private static final String TYPES = "action, message, subscribe, unsubscribe";
    /** The authentication method of a browser's session cookie. */
    private static final String COOKIE = "session";

    /**
     * The connection the frames travel on.
     */
    public interface Peer {

        /**
         * @param frame a text frame
         * @return completed when the frame is written to the network (or failed when it cannot be)
         */
        CompletionStage<?> send(String frame);

        /**
         * Sends a ping; the client answers with a pong.
         */
        void ping();

        /**
         * Sends a close frame and ends the connection, whether or not the client answers.
         *
         * @param code   the close code
         * @param reason the reason, at most 123 bytes of UTF-8
         */
        void close(int code, String reason);
    }

    private final SessionSockets shared;
    private final HttpRequest<?> upgrade;
    private final Peer peer;
    private final Object lock = new Object();
    // Sized for an idle socket, which is what most are: one subscription, a frame or two queued.
    // The inbound queue and the tasks waiting for a drain exist only while they hold something.
    private final ArrayDeque<String> outbound = new ArrayDeque<>(4);
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>(2);
    private @Nullable ArrayDeque<String> inbound;
    private @Nullable List<Runnable> whenDrained;
    private final int maxPending;
    private final int window;
    private int inFlight;
    private boolean handling;
    private boolean closed;
    /** Whether the upgrade's caller was admitted: until then (and for ever when refused) no frame is handled. */
    private boolean admitted;
    private @Nullable String pathSession;

    SessionSocket(SessionSockets shared, HttpRequest<?> upgrade, Peer peer) {
        this.shared = shared;
        this.upgrade = upgrade;
        this.peer = peer;
        this.maxPending = Math.max(1, shared.socketConfiguration.getMaxPending());
        this.window = Math.min(WINDOW, maxPending);
    }

    /**
     * Admits the caller and subscribes the path's session, on the blocking executor; frames that
     * arrive meanwhile wait.
     */
    void start(String sessionId, @Nullable String after) {
        synchronized (lock) {
            handling = true;
        }
        shared.blocking.execute(() -> {
            try {
                admit(sessionId, after);
            } catch (RuntimeException e) {
                fail(e);
            }
            handleInbound();
        });
    }

    private void admit(String sessionId, @Nullable String after) {
        GatewayPrincipal caller;
        try {
            caller = shared.sessions.admit(upgrade, sessionId, null);
            if (COOKIE.equals(caller.method()) && !sameHost(upgrade.getHeaders().get("Origin"), upgrade.getHeaders().get("Host"))) {
                // A browser sends the session cookie with an upgrade any page of the site opens:
                // only a page of this host may use it (a cross-site WebSocket hijack otherwise).
                throw new GatewayException(ErrorCode.FORBIDDEN, "A session cookie opens a WebSocket only from a page of this host.",
                    Map.of("reason", "cross_origin_websocket"), Map.of());
            }
            Validation v = new Validation();
            if (after != null && !Ids.plausible(after)) {
                v.problem("after", "is not an event id");
            }
            v.check();
            shared.sessions.readable(caller, sessionId);
            if (after != null && shared.store.events(sessionId, after, 0) == null) {
                v.problem("after", "is not an event of session " + sessionId);
                v.check();
            }
        } catch (GatewayException refusal) {
            // The error frame says why, the close code that the connection is over.
            shared.refused.increment();
            String frame = error(null, refusal);
            synchronized (lock) {
                enqueue(frame);
            }
            end(POLICY_VIOLATION, refusal.errorCode().code());
            return;
        }
        synchronized (lock) {
            pathSession = sessionId;
            admitted = true;
        }
        subscribe(sessionId, after, null);
    }

    /**
     * Pings the client of an admitted socket ({@link SessionSockets} pings every socket each
     * heartbeat, with one timer for all of them).
     */
    void ping() {
        synchronized (lock) {
            if (closed || !admitted) {
                return;
            }
        }
        try {
            peer.ping();
        } catch (RuntimeException e) {
            LOG.debug("A ping to a closing WebSocket failed: {}", e.getMessage());
        }
    }

    /**
     * A text frame from the client. Never blocks: it waits its turn, and is refused with 1013 when
     * {@value #MAX_INBOUND} are waiting already.
     *
     * @param frame the frame's text
     */
    public void receive(String frame) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (inbound == null) {
                inbound = new ArrayDeque<>(4);
            }
            if (inbound.size() >= MAX_INBOUND) {
                overflow("The client sent " + MAX_INBOUND + " frames more than the gateway had handled.", shared.flooding);
                return;
            }
            inbound.add(frame);
            if (handling) {
                return;
            }
            handling = true;
        }
        shared.blocking.execute(this::handleInbound);
    }

    /**
     * The instance is stopping: closes with {@value #SERVICE_RESTART} once the frames already
     * queued are handed to the network.
     */
    void goAway() {
        end(SERVICE_RESTART, "service restart");
    }

    /**
     * The connection ended (either side closed it): every subscription ends.
     */
    public void closed() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            cleanUp();
        }
    }

    private void handleInbound() {
        while (true) {
            String frame;
            synchronized (lock) {
                frame = closed || !admitted || inbound == null ? null : inbound.poll();
                if (frame == null) {
                    handling = false;
                    inbound = null;
                    return;
                }
            }
            try {
                handle(frame);
            } catch (RuntimeException e) {
                fail(e);
            }
        }
    }

    private void handle(String text) {
        JsonNode frame;
        try {
            frame = shared.json.readValue(text, JsonNode.class);
        } catch (IOException | RuntimeException e) {
            send(error(null, GatewayException.invalidJson(e)));
            return;
        }
        if (frame == null || !frame.isObject()) {
            send(error(null, new GatewayException(ErrorCode.BAD_REQUEST, "A frame is a JSON object with a type.")));
            return;
        }
        String ref = null;
        JsonNode refNode = frame.get("ref");
        Validation v = new Validation();
        if (refNode != null && !refNode.isNull()) {
            if (refNode.isString() && refNode.getStringValue().length() <= MAX_REF) {
                ref = refNode.getStringValue();
            } else {
                v.problem("ref", "must be a string of at most " + MAX_REF + " characters");
            }
        }
        JsonNode typeNode = frame.get("type");
        String type = typeNode != null && typeNode.isString() ? typeNode.getStringValue() : null;
        Set<String> fields = type == null ? null : FIELDS.get(type);
        try {
            if (type == null) {
                v.problem("type", "is required: one of " + TYPES);
            } else if (fields == null) {
                v.problem("type", "'" + type + "' is not a frame type; expected one of " + TYPES);
            } else {
                for (Map.Entry<String, JsonNode> field : frame.entries()) {
                    if (!fields.contains(field.getKey())) {
                        v.problem(field.getKey(), "is not a field of a " + type + " frame");
                    }
                }
            }
            v.check();
            switch (type) {
                case "message" -> message(frame, ref);
                case "action" -> action(frame, ref);
                case "subscribe" -> subscribe(frame, ref);
                default -> unsubscribe(frame, ref);
            }
        } catch (GatewayException refusal) {
            send(error(ref, refusal));
        }
    }

    private void message(JsonNode frame, @Nullable String ref) {
        Validation v = new Validation();
        strings(v, frame, "session_id", "persona_id", "message");
        kind(v, frame, "attachments", JsonNode::isArray, "an array of objects");
        kind(v, frame, "metadata", JsonNode::isObject, "an object");
        String key = idempotencyKey(v, frame);
        v.check();
        ConversationModels.MessageRequest body = convert(withSession(frame), ConversationModels.MessageRequest.class);
        ack(shared.sessions.message(upgrade, body, () -> key), ref);
    }

    private void action(JsonNode frame, @Nullable String ref) {
        Validation v = new Validation();
        strings(v, frame, "session_id", "action");
        kind(v, frame, "params", JsonNode::isObject, "an object");
        String key = idempotencyKey(v, frame);
        v.check();
        ConversationModels.ActionRequest body = convert(withSession(frame), ConversationModels.ActionRequest.class);
        ack(shared.sessions.action(upgrade, body, () -> key), ref);
    }

    private void subscribe(JsonNode frame, @Nullable String ref) {
        Validation v = new Validation();
        strings(v, frame, "session_id", "after");
        String sessionId = text(frame, "session_id");
        String after = text(frame, "after");
        if (sessionId == null) {
            v.problem("session_id", "is required");
        }
        if (after != null && !Ids.plausible(after)) {
            v.problem("after", "is not an event id");
        }
        v.check();
        synchronized (lock) {
            if (subscriptions.containsKey(sessionId)) {
                v.problem("session_id", "is followed on this connection already");
            } else if (subscriptions.size() >= shared.socketConfiguration.getMaxSubscriptions()) {
                v.problem("session_id", "cannot be followed: this connection follows "
                    + shared.socketConfiguration.getMaxSubscriptions() + " sessions, the most it may");
            }
        }
        v.check();
        GatewayPrincipal caller = shared.sessions.admit(upgrade, sessionId, null);
        shared.sessions.readable(caller, sessionId);
        if (after != null && shared.store.events(sessionId, after, 0) == null) {
            v.problem("after", "is not an event of session " + sessionId);
            v.check();
        }
        subscribe(sessionId, after, ref);
    }

    private void unsubscribe(JsonNode frame, @Nullable String ref) {
        Validation v = new Validation();
        strings(v, frame, "session_id");
        String sessionId = text(frame, "session_id");
        if (sessionId == null) {
            v.problem("session_id", "is required");
        }
        v.check();
        synchronized (lock) {
            Subscription subscription = subscriptions.remove(sessionId);
            if (subscription == null) {
                v.problem("session_id", "is not followed on this connection");
            } else {
                subscription.end();
                enqueue(write(control("unsubscribed", sessionId, null, ref)));
            }
        }
        v.check();
    }

    /** The frame's {@code idempotency_key}, by the rules of the header; a problem when it breaks them. */
    private static @Nullable String idempotencyKey(Validation v, JsonNode frame) {
        JsonNode node = frame.get(IDEMPOTENCY_KEY);
        if (node == null || node.isNull()) {
            return null;
        }
        String key = node.isString() ? IdempotencyKeys.parse(node.getStringValue()) : null;
        if (key == null) {
            v.problem(IDEMPOTENCY_KEY, "must be 1 to " + IdempotencyKeys.MAX_LENGTH
                + " visible ASCII characters without commas, as an Idempotency-Key header");
        }
        return key;
    }

    private void ack(ConversationService.Result result, @Nullable String ref) {
        Map<String, Object> frame = control("ack", result.body().sessionId(), result.body().eventId(), ref);
        if (result.replayed()) {
            // As Idempotent-Replayed: true to a POST: the key was used before, this is its first event.
            frame.put("replayed", true);
        }
        send(write(frame));
    }

    /**
     * Follows a session the caller may read: subscribed to the hub first, then the replay after
     * {@code after}, then the live events held meanwhile, as {@link SessionStreams} does.
     */
    private void subscribe(String sessionId, @Nullable String after, @Nullable String ref) {
        // Live events are held until the subscription knows where it starts: after the replay, or
        // without one after the session's last event now, so that an older event the hub hands on
        // late (a caller's message coming back through the inbound fan-out) is not sent as new.
        Subscription subscription = new Subscription(sessionId, true);
        synchronized (lock) {
            if (closed) {
                return;
            }
            subscriptions.put(sessionId, subscription);
            subscription.hub = shared.hub.subscribe(sessionId, subscription::live);
            enqueue(write(control("subscribed", sessionId, null, ref)));
        }
        if (after != null) {
            replay(subscription, after);
            return;
        }
        long head;
        try {
            head = shared.store.lastSeq(sessionId);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        synchronized (lock) {
            if (closed || subscription.ended) {
                return;
            }
            subscription.delivered.openedAfter(head);
            subscription.caughtUp();
        }
    }

    private void replay(Subscription subscription, String after) {
        int size = Math.max(1, Math.min(shared.configuration.getMaxPage(), maxPending / 2));
        List<ConversationStore.StoredEvent> page;
        try {
            page = shared.store.events(subscription.sessionId, after, size);
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        synchronized (lock) {
            if (closed || subscription.ended) {
                return;
            }
            for (ConversationStore.StoredEvent event : page == null ? List.<ConversationStore.StoredEvent>of() : page) {
                subscription.delivered.replayed(event);
                enqueue(event(event));
            }
            if (page == null || page.size() < size) {
                subscription.caughtUp();
                return;
            }
            // The next page when the client has taken this one: the replay goes at the client's pace.
            String next = page.getLast().eventId();
            whenDrained(() -> replay(subscription, next));
        }
    }

    /**
     * One session the connection follows.
     */
    private final class Subscription {

        final String sessionId;
        final DeliveredEvents delivered = new DeliveredEvents(SessionStreams.REMEMBERED);
        /** Live events that arrived while the start was not known yet; only then does it exist. */
        @Nullable ArrayDeque<ConversationStore.StoredEvent> held;
        SessionHub.Subscription hub;
        boolean replaying;
        boolean ended;

        Subscription(String sessionId, boolean replaying) {
            this.sessionId = sessionId;
            this.replaying = replaying;
        }

        /** A live event from the hub; must not block. */
        void live(ConversationStore.StoredEvent event) {
            synchronized (lock) {
                if (closed || ended) {
                    return;
                }
                if (replaying) {
                    if (held == null) {
                        held = new ArrayDeque<>(4);
                    }
                    if (held.size() >= Math.max(1, shared.configuration.getStreamBuffer())) {
                        overflow("The client did not read its replay of session " + sessionId + " before "
                            + held.size() + " live events arrived.", shared.slowReaders);
                    } else {
                        held.add(event);
                    }
                } else if (delivered.fresh(event)) {
                    enqueue(event(event));
                }
            }
        }

        /** The start is known (the replay is done): the live events held meanwhile go out, but for repeats; the caller holds the lock. */
        void caughtUp() {
            replaying = false;
            if (held != null) {
                for (ConversationStore.StoredEvent event : held) {
                    if (delivered.fresh(event)) {
                        enqueue(event(event));
                    }
                }
                held = null;
            }
        }

        void end() {
            ended = true;
            held = null;
            if (hub != null) {
                hub.close();
            }
        }
    }

    // ---------------------------------------------------------------- outbound

    private void send(String frame) {
        synchronized (lock) {
            enqueue(frame);
        }
    }

    /** Queues a frame; the caller holds the lock. */
    private void enqueue(String frame) {
        if (closed) {
            return;
        }
        if (outbound.size() >= maxPending) {
            overflow("The client did not read " + outbound.size() + " frames.", shared.slowReaders);
            return;
        }
        outbound.add(frame);
        pump();
    }

    /** Hands queued frames to the network while fewer than the window are unwritten; the caller holds the lock. */
    private void pump() {
        while (!closed && inFlight < window && !outbound.isEmpty()) {
            String frame = outbound.poll();
            inFlight++;
            CompletionStage<?> sent;
            try {
                sent = peer.send(frame);
            } catch (RuntimeException e) {
                inFlight--;
                closed = true;
                cleanUp();
                return;
            }
            sent.whenComplete((done, failure) -> written(failure));
        }
        if (!closed && outbound.isEmpty() && whenDrained != null) {
            for (Runnable task : whenDrained) {
                shared.blocking.execute(task);
            }
            whenDrained = null;
        }
    }

    private void written(@Nullable Throwable failure) {
        synchronized (lock) {
            inFlight--;
            if (failure != null) {
                // The connection is gone; its close ends the rest.
                return;
            }
            pump();
        }
    }

    /** Runs the task (on the blocking executor) once every queued frame is handed to the network; the caller holds the lock. */
    private void whenDrained(Runnable task) {
        if (outbound.isEmpty()) {
            shared.blocking.execute(task);
        } else {
            drained(task);
        }
    }

    /** The client does not keep up (reading, or with the frames it sends): 1013; the caller holds the lock. */
    private void overflow(String why, Counter reason) {
        if (closed) {
            return;
        }
        LOG.debug("Closing a session WebSocket: {}", why);
        reason.increment();
        closed = true;
        cleanUp();
        peer.close(TRY_AGAIN_LATER, reason == shared.flooding ? "too_many_frames" : "slow_reader");
    }

    private void fail(RuntimeException e) {
        LOG.error("A session WebSocket failed; closing it with 1011", e);
        end(INTERNAL_ERROR, "internal_error");
    }

    /** Closes after the frames already queued are handed to the network. */
    private void end(int code, String reason) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (!outbound.isEmpty()) {
                drained(() -> end(code, reason));
                return;
            }
            closed = true;
            cleanUp();
        }
        peer.close(code, reason);
    }

    /** The caller holds the lock. */
    private void cleanUp() {
        shared.forget(this);
        for (Subscription subscription : subscriptions.values()) {
            subscription.end();
        }
        subscriptions.clear();
        outbound.clear();
        inbound = null;
        whenDrained = null;
    }

    /** Adds a task to run when the queue drains; the caller holds the lock. */
    private void drained(Runnable task) {
        if (whenDrained == null) {
            whenDrained = new ArrayList<>(2);
        }
        whenDrained.add(task);
    }

    /**
     * @param origin the upgrade's {@code Origin}, or {@code null} (not a browser)
     * @param host   its {@code Host}
     * @return whether the page that opened the socket is of the host it connected to (ports and
     *         schemes aside: a proxy in front may change both)
     */
    static boolean sameHost(@Nullable String origin, @Nullable String host) {
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String originHost;
        try {
            originHost = java.net.URI.create(origin.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        String hostName = host.trim();
        if (hostName.startsWith("[")) {
            int end = hostName.indexOf(']');
            hostName = end < 0 ? hostName : hostName.substring(0, end + 1);
        } else if (hostName.indexOf(':') >= 0) {
            hostName = hostName.substring(0, hostName.indexOf(':'));
        }
        return originHost != null && originHost.equalsIgnoreCase(hostName);
    }

    // ---------------------------------------------------------------- frames

    private static String event(ConversationStore.StoredEvent event) {
        return "{\"type\":\"event\",\"event\":" + event.body() + "}";
    }

    private static Map<String, Object> control(String type, String sessionId, @Nullable String eventId, @Nullable String ref) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        if (eventId != null) {
            frame.put("event_id", eventId);
        }
        frame.put("session_id", sessionId);
        if (ref != null) {
            frame.put("ref", ref);
        }
        return frame;
    }

    private String error(@Nullable String ref, GatewayException refusal) {
        String envelope = new String(shared.errors.json(RequestIds.of(upgrade), refusal.errorCode(), refusal.getMessage(),
            refusal.details()), StandardCharsets.UTF_8);
        // The envelope is {"error":{...}}: the frame is the same object with its type (and ref) first.
        StringBuilder frame = new StringBuilder(envelope.length() + 64).append("{\"type\":\"error\",");
        if (ref != null) {
            frame.append("\"ref\":").append(write(ref)).append(',');
        }
        return frame.append(envelope, 1, envelope.length()).toString();
    }

    private String write(Object value) {
        try {
            return shared.json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T convert(JsonNode frame, Class<T> type) {
        try {
            return shared.json.readValueFromTree(frame, type);
        } catch (IOException | RuntimeException e) {
            throw GatewayException.invalidJson(e);
        }
    }

    /** The frame without its type, ref and idempotency key, its session the path's when it names none. */
    private JsonNode withSession(JsonNode frame) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : frame.entries()) {
            if (!field.getKey().equals("type") && !field.getKey().equals("ref") && !field.getKey().equals(IDEMPOTENCY_KEY)) {
                fields.put(field.getKey(), field.getValue());
            }
        }
        JsonNode sessionId = fields.get("session_id");
        if (sessionId == null || sessionId.isNull()) {
            synchronized (lock) {
                fields.put("session_id", JsonNode.createStringNode(pathSession));
            }
        }
        return JsonNode.createObjectNode(fields);
    }

    private static void strings(Validation v, JsonNode frame, String... names) {
        for (String name : names) {
            kind(v, frame, name, JsonNode::isString, "a string");
        }
    }

    private static void kind(Validation v, JsonNode frame, String name, java.util.function.Predicate<JsonNode> test, String what) {
        JsonNode value = frame.get(name);
        if (value != null && !value.isNull() && !test.test(value)) {
            v.problem(name, "must be " + what);
        }
    }

    private static @Nullable String text(JsonNode frame, String name) {
        JsonNode value = frame.get(name);
        return value != null && value.isString() ? value.getStringValue() : null;
    }
}
