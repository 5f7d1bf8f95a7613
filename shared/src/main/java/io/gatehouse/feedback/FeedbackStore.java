package io.gatehouse.feedback;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code feedback} table ({@code V31__feedback.sql}) through a Micronaut Data repository
 * ({@link FeedbackRepository}) on the gateway's data source: PostgreSQL when configured, H2 in memory
 * in the embedded default. Migrated on first use through the identity store's Flyway runner, as every
 * store is. Blocking: called on the blocking executor.
 */
@Singleton
public class FeedbackStore {

    private static final Logger LOG = LoggerFactory.getLogger(FeedbackStore.class);

    private final IdentityDatabase database;
    private final FeedbackRepository repository;

    FeedbackStore(IdentityDatabase database, FeedbackRepository repository) {
        this.database = database;
        this.repository = repository;
    }

    /**
     * One feedback row, as {@link FeedbackRepository} maps it to the table (column names are the
     * components' in snake case).
     *
     * @param id          its id
     * @param tenant      the caller's tenant, or {@code null}
     * @param principal   the caller, as {@code method:subject}
     * @param userId      the {@code user_id} sent
     * @param category    {@code bug}, {@code feature} or {@code general}
     * @param rating      1 to 5
     * @param title       the title
     * @param description the description
     * @param userAgent   the user agent sent, or {@code null}
     * @param url         the URL sent, or {@code null}
     * @param metadata    the metadata sent, JSON (an empty object when none)
     * @param sessionId   the session it is about, or {@code null}
     * @param eventId     the event of that session it is about, or {@code null}
     * @param requestId   the request's id
     * @param createdAt   epoch milliseconds
     */
    @MappedEntity(value = "feedback", escape = false)
    public record Row(@Id String id, @Nullable String tenant, String principal, String userId, String category, int rating,
                      String title, String description, @Nullable String userAgent, @Nullable String url, String metadata,
                      @Nullable String sessionId, @Nullable String eventId, @Nullable String requestId, long createdAt) {
    }

    /**
     * What the statistics count: the rows of one tenant (or of all), narrowed by the filters given.
     *
     * @param allTenants whether every tenant's rows count (the global administrator)
     * @param tenant     the tenant whose rows count when not all do; {@code null} for rows without one
     * @param from       the first instant, inclusive, epoch milliseconds, or {@code null}
     * @param to         the last instant, exclusive, epoch milliseconds, or {@code null}
     * @param category   the category, or {@code null}
     * @param sessionId  the session, or {@code null}
     */
    public record Query(boolean allTenants, @Nullable String tenant, @Nullable Long from, @Nullable Long to,
                        @Nullable String category, @Nullable String sessionId) {
    }

    /**
     * How many matching rows have one category and one rating.
     *
     * @param category the category
     * @param rating   the rating
     * @param count    how many rows
     */
    @Introspected
    public record Group(String category, int rating, long count) {
    }

    /**
     * Stores a row, after checking in the same transaction that its event belongs to its session.
     *
     * @param row the row
     * @return {@code false}, storing nothing, when the row names an event that is not of its session
     * @throws GatewayException 503 when the database is down
     */
    public boolean insert(Row row) {
        return asFeedbackStore(() -> database.repositoryTransaction(() -> {
            if (row.eventId() != null && repository.countEvents(row.eventId(), row.sessionId()) == 0) {
                return false;
            }
            repository.save(row);
            return true;
        }, FeedbackStore::failed));
    }

    /**
     * Counts the matching rows by category and rating, in one statement so that every total comes
     * from the same snapshot: the database counts every row (at most 15 groups come back), and the
     * totals, per-category and per-rating counts and the average are sums of these exact counts.
     *
     * @param query what to count
     * @return the non-empty groups
     * @throws GatewayException 503 when the database is down
     */
    public List<Group> groups(Query query) {
        long from = query.from() == null ? Long.MIN_VALUE : query.from();
        long to = query.to() == null ? Long.MAX_VALUE : query.to();
        return asFeedbackStore(() -> database.repositories(() -> {
            if (query.allTenants()) {
                return repository.groupsOfAllTenants(from, to, query.category(), query.sessionId());
            }
            return query.tenant() == null
                ? repository.groupsWithoutTenant(from, to, query.category(), query.sessionId())
                : repository.groupsOfTenant(query.tenant(), from, to, query.category(), query.sessionId());
        }, FeedbackStore::failed));
    }

    private static RuntimeException failed(RuntimeException e) {
        LOG.warn("Feedback store failed: {}", e.getMessage());
        return unavailable();
    }

    private static <T> T asFeedbackStore(Supplier<T> call) {
        try {
            return call.get();
        } catch (GatewayException e) {
            // The migration failed: the identity store's 503 says "identity store"; this one says feedback.
            throw e.errorCode() == ErrorCode.SERVICE_UNAVAILABLE ? unavailable() : e;
        }
    }

    private static GatewayException unavailable() {
        return new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
            "The feedback store is not available; try again shortly.",
            Map.of("store", "database"), Map.of("Retry-After", "1"));
    }
}
