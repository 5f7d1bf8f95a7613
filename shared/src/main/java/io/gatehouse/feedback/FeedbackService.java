package io.gatehouse.feedback;

import io.gatehouse.conversation.ConversationAccess;
import io.gatehouse.conversation.ConversationService;
import io.gatehouse.conversation.Ids;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminCredentials;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.Validation;
import io.gatehouse.observability.RequestIds;
import io.gatehouse.security.GatewayPrincipal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The feedback API, the same on every engine and behind both paths ({@code /v1/feedback} and the
 * legacy {@code /feedback}). Posting admits the caller as the session API does
 * ({@link ConversationService#admit}: {@code gateway.conversations.auth}, and the decision service
 * when {@code gateway.opa.url} is set), validates every field, checks that a named session is one
 * the caller may read ({@link ConversationService#readable}, 404 otherwise) and stores the row.
 * The statistics admit an administrator, or a caller holding a role of
 * {@code gateway.feedback.stats-roles}, and count only the rows of its tenant (every tenant's for
 * the global administrator).
 */
@Singleton
public class FeedbackService {

    /** The categories feedback may have. */
    public static final List<String> CATEGORIES = List.of("bug", "feature", "general");

    /** The longest {@code user_id}. */
    public static final int MAX_USER_ID = 256;

    /** The longest {@code user_agent}. */
    public static final int MAX_USER_AGENT = 1024;

    /** The longest {@code url}. */
    public static final int MAX_URL = 2048;

    /** The largest {@code metadata}, in characters of JSON. */
    public static final int MAX_METADATA = 16_384;

    /** The {@code status} of stored feedback. */
    static final String RECEIVED = "received";

    /** What the answer tells the user. */
    static final String THANKS = "Thank you for your feedback.";

    private static final String IDS = "must be 3-64 letters, digits, '.', '_' or '-'";

    private final ConversationService conversations;
    private final AdminCredentials admin;
    private final FeedbackStore store;
    private final FeedbackConfiguration configuration;
    private final Set<String> statsRoles;
    private final JsonMapper json;
    private final Counter received;

    FeedbackService(ConversationService conversations, AdminCredentials admin, FeedbackStore store,
                    FeedbackConfiguration configuration, JsonMapper json, MeterRegistry registry) {
        this.conversations = conversations;
        this.admin = admin;
        this.store = store;
        this.configuration = configuration;
        this.statsRoles = Set.copyOf(configuration.getStatsRoles());
        this.json = json;
        this.received = Counter.builder("gatehouse_feedback_received").description("Feedback stored").register(registry);
    }

    /**
     * {@code POST /v1/feedback}.
     *
     * @param request the request
     * @param body    its body, or {@code null}
     * @return the stored feedback's id
     * @throws GatewayException 400 naming each invalid field, 401/403 as for the session API, 404 for
     *         a session the caller may not read, 503 when the database is down
     */
    public FeedbackModels.Accepted submit(HttpRequest<?> request, @Nullable FeedbackModels.Submission body) {
        GatewayPrincipal principal = conversations.admit(request, body == null ? null : body.sessionId(), null);
        Validation v = new Validation();
        if (body == null) {
            for (String field : List.of("category", "description", "rating", "title", "user_id")) {
                v.problem(field, "is required");
            }
            v.check();
        }
        String metadata = validate(v, body);
        v.check();
        String sessionId = null;
        if (body.sessionId() != null) {
            // 404, exactly as for a session that does not exist, for another tenant's or caller's.
            sessionId = conversations.readable(principal, body.sessionId()).id();
        }
        long now = System.currentTimeMillis();
        String id = Ids.feedback();
        boolean stored = store.insert(new FeedbackStore.Row(id, principal.tenant(), ConversationAccess.owner(principal),
            body.userId().trim(), body.category(), body.rating(), body.title(), body.description(), body.userAgent(), body.url(),
            metadata, sessionId, body.eventId(), RequestIds.of(request), now));
        if (!stored) {
            new Validation().problem("event_id", "is not an event of session " + sessionId).check();
        }
        received.increment();
        return new FeedbackModels.Accepted(id, RECEIVED, Instant.ofEpochMilli(now).toString(), THANKS);
    }

    /** Checks every field, reporting each problem by its name; answers the metadata as JSON. */
    private String validate(Validation v, FeedbackModels.Submission body) {
        if (body.userId() == null || body.userId().isBlank()) {
            v.problem("user_id", "is required and must not be blank");
        } else if (body.userId().length() > MAX_USER_ID) {
            v.problem("user_id", "is longer than " + MAX_USER_ID + " characters");
        }
        if (body.category() == null) {
            v.problem("category", "is required: one of " + String.join(", ", CATEGORIES));
        } else if (!CATEGORIES.contains(body.category())) {
            v.problem("category", "'" + body.category() + "' is not a category; expected one of " + String.join(", ", CATEGORIES));
        }
        if (body.rating() == null) {
            v.problem("rating", "is required: a whole number from 1 to 5");
        } else if (body.rating() < 1 || body.rating() > 5) {
            v.problem("rating", "must be a whole number from 1 to 5");
        }
        text(v, "title", body.title(), configuration.getMaxTitleLength());
        text(v, "description", body.description(), configuration.getMaxDescriptionLength());
        if (body.userAgent() != null && body.userAgent().length() > MAX_USER_AGENT) {
            v.problem("user_agent", "is longer than " + MAX_USER_AGENT + " characters");
        }
        if (body.url() != null && body.url().length() > MAX_URL) {
            v.problem("url", "is longer than " + MAX_URL + " characters");
        }
        if (body.sessionId() != null && !Ids.plausible(body.sessionId())) {
            v.problem("session_id", IDS);
        }
        if (body.eventId() != null) {
            if (body.sessionId() == null) {
                v.problem("session_id", "is required with event_id: name the session the event belongs to");
            }
            if (!Ids.plausible(body.eventId())) {
                v.problem("event_id", IDS);
            }
        }
        String metadata;
        try {
            metadata = json.writeValueAsString(body.metadata() == null ? Map.of() : body.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (metadata.length() > MAX_METADATA) {
            v.problem("metadata", "is larger than " + MAX_METADATA + " characters of JSON");
        }
        return metadata;
    }

    private static void text(Validation v, String field, @Nullable String value, int max) {
        if (value == null || value.isBlank()) {
            v.problem(field, "is required and must not be blank");
        } else if (value.length() > max) {
            v.problem(field, "is longer than " + max + " characters");
        }
    }

    /**
     * {@code GET /v1/feedback/stats}.
     *
     * @param request   the request
     * @param from      the first instant, inclusive, ISO-8601, or {@code null}
     * @param to        the last instant, exclusive, ISO-8601, or {@code null}
     * @param category  the category, or {@code null}
     * @param sessionId the session, or {@code null}
     * @return the counts over every matching row of the caller's tenant
     * @throws GatewayException 400 naming each invalid parameter; 401, 403 or 404 for a caller who
     *         may not read them; 503 when the database is down
     */
    public FeedbackModels.Stats stats(HttpRequest<?> request, @Nullable String from, @Nullable String to,
                                      @Nullable String category, @Nullable String sessionId) {
        Scope scope = scope(request, blankToNull(sessionId));
        Validation v = new Validation();
        Instant fromValue = v.instant("from", from);
        Instant toValue = v.instant("to", to);
        if (fromValue != null && toValue != null && !fromValue.isBefore(toValue)) {
            v.problem("to", "must be after from");
        }
        String categoryValue = blankToNull(category);
        if (categoryValue != null && !CATEGORIES.contains(categoryValue)) {
            v.problem("category", "'" + categoryValue + "' is not a category; expected one of " + String.join(", ", CATEGORIES));
        }
        String sessionValue = blankToNull(sessionId);
        if (sessionValue != null && !Ids.plausible(sessionValue)) {
            v.problem("session_id", IDS);
        }
        v.check();
        List<FeedbackStore.Group> groups = store.groups(new FeedbackStore.Query(scope.allTenants(), scope.tenant(),
            fromValue == null ? null : fromValue.toEpochMilli(), toValue == null ? null : toValue.toEpochMilli(),
            categoryValue, sessionValue));
        return stats(groups);
    }

    /**
     * @param groups the counts by category and rating
     * @return the totals, every category and rating listed
     */
    static FeedbackModels.Stats stats(List<FeedbackStore.Group> groups) {
        Map<String, Long> categories = new LinkedHashMap<>();
        CATEGORIES.forEach(c -> categories.put(c, 0L));
        Map<String, Long> ratings = new LinkedHashMap<>();
        for (int rating = 1; rating <= 5; rating++) {
            ratings.put(Integer.toString(rating), 0L);
        }
        long total = 0;
        long sum = 0;
        for (FeedbackStore.Group group : groups) {
            total += group.count();
            sum += group.rating() * group.count();
            categories.merge(group.category(), group.count(), Long::sum);
            ratings.merge(Integer.toString(group.rating()), group.count(), Long::sum);
        }
        double average = total == 0 ? 0 : Math.round(sum * 100.0 / total) / 100.0;
        return new FeedbackModels.Stats(total, categories, ratings, average);
    }

    /**
     * Who may read the statistics, and of which tenant: an administrator (the global one every
     * tenant's, a tenant administrator its own), else a caller admitted as the session API admits
     * one who holds a role of {@code gateway.feedback.stats-roles} (its own tenant's).
     */
    private Scope scope(HttpRequest<?> request, @Nullable String sessionId) {
        AdminCredentials.Result administrator = admin.authenticate(request);
        if (administrator.principal() != null) {
            AdminPrincipal principal = administrator.principal();
            return new Scope(principal.global(), principal.tenant());
        }
        if (statsRoles.isEmpty()) {
            throw administrator.refusal();
        }
        GatewayPrincipal caller = conversations.admit(request, sessionId, null);
        if (Collections.disjoint(statsRoles, caller.roles())) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Reading feedback statistics needs an admin credential or a role of "
                + FeedbackConfiguration.PREFIX + ".stats-roles.",
                Map.of("reason", "missing_role", "required_roles", statsRoles.stream().sorted().toList()), Map.of());
        }
        return new Scope(false, caller.tenant());
    }

    /** The rows a reader of the statistics reaches: every tenant's, or one tenant's ({@code null}: rows without one). */
    private record Scope(boolean allTenants, @Nullable String tenant) {
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
