package io.gatehouse.conversation;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.Validation;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.idempotency.IdempotencyKeys;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.HttpRequestView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The intake and the history of sessions, the same on every engine: admits the caller
 * ({@link ConversationAccess}), validates, stores durably ({@link ConversationStore}: event and
 * outbox row in one transaction), then updates the Redis state and hands the row to the relay.
 */
@Singleton
public class ConversationService {

    /** The actions {@code POST /v1/session/action} knows. */
    public static final Set<String> ACTIONS = Set.of("summarize", "next_steps", "status_report");

    /** A persona id: what the intake accepts, and an agent's reply may name. */
    static final Pattern PERSONA = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final ConversationAccess access;
    private final ConversationStore store;
    private final ConversationConfiguration configuration;
    private final SessionState state;
    private final OutboxRelay relay;
    private final ConversationTracing tracing;
    private final SessionHub hub;
    private final JsonMapper json;
    private final Counter accepted;

    ConversationService(ConversationAccess access, ConversationStore store, ConversationConfiguration configuration, SessionState state,
                        OutboxRelay relay, ConversationTracing tracing, SessionHub hub, JsonMapper json, MeterRegistry registry) {
        this.access = access;
        this.store = store;
        this.configuration = configuration;
        this.state = state;
        this.relay = relay;
        this.tracing = tracing;
        this.hub = hub;
        this.json = json;
        this.accepted = Counter.builder("gatehouse_session_intake").description("Messages and actions accepted durably")
            .register(registry);
    }

    /**
     * An accepted intake.
     *
     * @param body     what to answer
     * @param replayed whether an earlier event answers a retried {@code Idempotency-Key}
     */
    public record Result(ConversationModels.Accepted body, boolean replayed) {
    }

    /**
     * {@code POST /v1/session/message}.
     *
     * @param request the request
     * @param body    its body, or {@code null}
     * @return the accepted event
     */
    public Result message(HttpRequest<?> request, @Nullable ConversationModels.MessageRequest body) {
        return message(request, body, () -> idempotencyKey(request));
    }

    /**
     * A message, from {@code POST /v1/session/message} or a WebSocket frame.
     *
     * @param request the request (for a WebSocket frame: the upgrade request, whose credential is
     *                admitted again for each frame)
     * @param body    the message, or {@code null}
     * @param key     the idempotency key, read once the call is admitted and valid: the request's
     *                {@code Idempotency-Key}, or a frame's {@code idempotency_key} (the frames of a
     *                socket share one upgrade request); {@code null} for none
     * @return the accepted event
     */
    Result message(HttpRequest<?> request, @Nullable ConversationModels.MessageRequest body, Supplier<@Nullable String> key) {
        GatewayPrincipal principal = admit(request, body == null ? null : body.sessionId(), null);
        Validation v = new Validation();
        if (body == null) {
            v.problem("message", "is required");
            v.check();
        }
        String sessionId = sessionId(v, body.sessionId(), false);
        if (body.personaId() != null && !PERSONA.matcher(body.personaId()).matches()) {
            v.problem("persona_id", "must be 1-128 letters, digits, '.', '_', ':' or '-' starting with a letter or digit");
        }
        if (body.message() == null || body.message().isBlank()) {
            v.problem("message", "is required and must not be blank");
        } else if (body.message().length() > configuration.getMaxMessageLength()) {
            v.problem("message", "is longer than " + configuration.getMaxMessageLength() + " characters");
        }
        List<Map<String, Object>> attachments = body.attachments() == null ? List.of() : body.attachments();
        if (attachments.size() > configuration.getMaxAttachments()) {
            v.problem("attachments", "has " + attachments.size() + " entries; at most " + configuration.getMaxAttachments() + " are allowed");
        }
        for (int i = 0; i < attachments.size(); i++) {
            if (attachments.get(i) == null) {
                v.problem("attachments[" + i + "]", "must be an object");
            }
        }
        v.check();
        return accept(request, principal, sessionId, body.personaId(), "message", body.message(), null, attachments, null,
            body.metadata(), body, key);
    }

    /**
     * {@code POST /v1/session/action}.
     *
     * @param request the request
     * @param body    its body, or {@code null}
     * @return the accepted event
     */
    public Result action(HttpRequest<?> request, @Nullable ConversationModels.ActionRequest body) {
        return action(request, body, () -> idempotencyKey(request));
    }

    /**
     * An action, from {@code POST /v1/session/action} or a WebSocket frame.
     *
     * @param request the request (for a WebSocket frame: the upgrade request)
     * @param body    the action, or {@code null}
     * @param key     the idempotency key, as for a message
     * @return the accepted event
     */
    Result action(HttpRequest<?> request, @Nullable ConversationModels.ActionRequest body, Supplier<@Nullable String> key) {
        GatewayPrincipal principal = admit(request, body == null ? null : body.sessionId(), body == null ? null : body.action());
        Validation v = new Validation();
        if (body == null) {
            v.problem("session_id", "is required");
            v.problem("action", "is required");
            v.check();
        }
        String sessionId = sessionId(v, body.sessionId(), true);
        if (body.action() == null) {
            v.problem("action", "is required: one of " + String.join(", ", ACTIONS.stream().sorted().toList()));
        } else if (!ACTIONS.contains(body.action())) {
            v.problem("action", "'" + body.action() + "' is not an action; expected one of "
                + String.join(", ", ACTIONS.stream().sorted().toList()));
        }
        v.check();
        return accept(request, principal, sessionId, null, "action", null, body.action(), null, body.params(), null, body, key);
    }

    /**
     * {@code GET /v1/session/{id}/events} as JSON.
     *
     * @param request   the request
     * @param sessionId the session
     * @param after     the event after which the page starts, or {@code null}
     * @param limit     the most events, or {@code null} for 100
     * @return the page
     */
    public ConversationModels.Page history(HttpRequest<?> request, String sessionId, @Nullable String after, @Nullable Integer limit) {
        GatewayPrincipal principal = admit(request, sessionId, null);
        Validation v = new Validation();
        int size = limit == null ? Math.min(100, configuration.getMaxPage()) : limit;
        if (size < 1 || size > configuration.getMaxPage()) {
            v.problem("limit", "must be between 1 and " + configuration.getMaxPage());
        }
        if (after != null && !Ids.plausible(after)) {
            v.problem("after", "is not an event id");
        }
        v.check();
        ConversationSession session = readable(principal, sessionId);
        List<ConversationStore.StoredEvent> rows = store.events(session.id(), after, size + 1);
        if (rows == null) {
            throw new GatewayException(ErrorCode.VALIDATION_FAILED, "The request's parameters are not valid.",
                Map.of("violations", List.of(Map.of("field", "after", "message", "is not an event of session " + sessionId))), Map.of());
        }
        boolean more = rows.size() > size;
        List<ConversationModels.Event> events = new ArrayList<>(Math.min(rows.size(), size));
        for (int i = 0; i < Math.min(rows.size(), size); i++) {
            events.add(event(rows.get(i)));
        }
        return new ConversationModels.Page(session.id(), events, more ? events.getLast().eventId() : null);
    }

    /**
     * @param principal the caller
     * @param sessionId a session id
     * @return the session, when the caller may use it
     * @throws GatewayException 404 otherwise
     */
    public ConversationSession readable(GatewayPrincipal principal, String sessionId) {
        if (!Ids.plausible(sessionId)) {
            throw ConversationAccess.notFound(sessionId);
        }
        ConversationSession session = store.session(sessionId);
        if (session == null || !access.mayUse(principal, session)) {
            throw ConversationAccess.notFound(sessionId);
        }
        return session;
    }

    /**
     * @param stored a stored event
     * @return it as clients see it
     */
    public ConversationModels.Event event(ConversationStore.StoredEvent stored) {
        try {
            return json.readValue(stored.body(), ConversationModels.Event.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored event " + stored.eventId() + " cannot be read", e);
        }
    }

    /**
     * @param request   the request
     * @param sessionId the session named, or {@code null}
     * @param action    the action named, or {@code null}
     * @return the admitted caller
     */
    public GatewayPrincipal admit(HttpRequest<?> request, @Nullable String sessionId, @Nullable String action) {
        return access.admit(new HttpRequestView(request), RequestIds.of(request), sessionId, action);
    }

    private static @Nullable String sessionId(Validation v, @Nullable String sessionId, boolean required) {
        if (sessionId == null) {
            if (required) {
                v.problem("session_id", "is required");
            }
            return null;
        }
        if (!Ids.plausible(sessionId)) {
            v.problem("session_id", "must be 3-64 letters, digits, '.', '_' or '-'");
        }
        return sessionId;
    }

    private Result accept(HttpRequest<?> request, GatewayPrincipal principal, @Nullable String requested, @Nullable String personaId,
                          String kind, @Nullable String message, @Nullable String action, @Nullable List<Map<String, Object>> attachments,
                          @Nullable Map<String, Object> params, @Nullable Map<String, Object> metadata, Object body,
                          Supplier<@Nullable String> idempotencyKey) {
        String key = idempotencyKey.get();
        String requestId = RequestIds.of(request);
        long now = System.currentTimeMillis();
        String eventId = Ids.event();
        String sessionId = requested != null ? requested : Ids.session();
        String owner = ConversationAccess.owner(principal);
        ConversationModels.Event event = new ConversationModels.Event(eventId, sessionId, personaId, "user", kind, message, action,
            attachments, params, metadata == null ? Map.of() : metadata, Instant.ofEpochMilli(now).toString());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event_id", eventId);
        payload.put("session_id", sessionId);
        payload.put("tenant", principal.tenant());
        payload.put("subject", principal.subject());
        payload.put("persona_id", personaId);
        payload.put("kind", kind);
        payload.put("role", "user");
        payload.put("message", message);
        payload.put("action", action);
        payload.put("attachments", attachments);
        payload.put("params", params);
        payload.put("metadata", metadata == null ? Map.of() : metadata);
        payload.put("created_at", event.createdAt());
        Map<String, String> headers = new LinkedHashMap<>();
        if (principal.tenant() != null) {
            headers.put("tenant", principal.tenant());
        }
        headers.put("request_id", requestId);
        headers.put("event_id", eventId);
        tracing.capture(request.getAttribute(PolicyExchange.ATTRIBUTE, PolicyExchange.class).orElse(null),
            new HttpRequestView(request), headers);
        ConversationStore.Outcome outcome;
        try {
            outcome = store.accept(new ConversationStore.Intake(sessionId, requested == null, principal.tenant(), owner, personaId,
                eventId, kind, message, action, json.writeValueAsString(event), requestId, key,
                key == null ? null : hash(kind, body), configuration.getInboundTopic(), json.writeValueAsString(payload),
                json.writeValueAsString(headers), now), session -> access.mayUse(principal, session));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!outcome.replayed()) {
            accepted.increment();
            state.touch(outcome.sessionId(), principal.tenant(), owner, personaId, now);
            if (relay.inBackground()) {
                relay.wake();
            } else if (configuration.isPublishAfterCommit()) {
                relay.publishNow(outcome.eventId());
            }
            toStreams(outcome);
        }
        return new Result(new ConversationModels.Accepted(outcome.sessionId(), outcome.eventId()), outcome.replayed());
    }

    /**
     * Hands an accepted event to this instance's open streams of its session, so that a caller's
     * own message appears on its stream at once, with or without Kafka (other instances' streams get
     * it through {@link InboundFanOut}, the agents' replies arrive through {@link ReplyFanOut}). The event is durable already; a failure here only costs the live copy,
     * which the stream's replay recovers, and never fails the intake.
     */
    private void toStreams(ConversationStore.Outcome outcome) {
        if (!hub.hasSubscribers(outcome.sessionId())) {
            return;
        }
        try {
            ConversationStore.StoredEvent stored = store.event(outcome.sessionId(), outcome.eventId());
            if (stored != null) {
                hub.publish(outcome.sessionId(), stored);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ConversationService.class)
                .warn("Event {} was stored but not handed to the open streams: {}", outcome.eventId(), e.getMessage());
        }
    }

    private static @Nullable String idempotencyKey(HttpRequest<?> request) {
        List<String> values = request.getHeaders().getAll(IdempotencyKeys.HEADER);
        if (values.isEmpty()) {
            return null;
        }
        String key = IdempotencyKeys.of(values);
        if (key == null) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, IdempotencyKeys.INVALID, Map.of("reason", IdempotencyKeys.INVALID_REASON), Map.of());
        }
        return key;
    }

    private String hash(String kind, Object body) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(kind.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(json.writeValueAsBytes(body));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
