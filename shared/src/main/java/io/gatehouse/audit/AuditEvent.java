package io.gatehouse.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One entry of the audit log: an authentication failure, an authorization decision or an admin
 * change. Immutable; the same fields are stored in {@code audit_events}, written as one JSON line
 * to the {@code gatehouse.audit} logger and answered by {@code GET /admin/audit}.
 *
 * <p>Build one with {@link #builder(Category, String)}:
 * <pre>
 * auditLog.record(AuditEvent.builder(AuditEvent.Category.ADMIN, "route.create")
 *     .principal("admin", "admin-token").tenant(tenant)
 *     .request(requestId, "PUT", "/admin/routes/orders")
 *     .target("route:orders")
 *     .build());
 * </pre>
 *
 * @param id        a random UUID
 * @param timestamp when it happened
 * @param category  authentication, authorization or admin
 * @param action    what was attempted: {@code route.access}, {@code admin.authenticate}, {@code route.create}, ...
 * @param decision  allow or deny
 * @param reason    why, for a denial the envelope's {@code details.reason} or error code; {@code null} when there is nothing to say
 * @param requestId the request's {@code X-Request-ID}, or {@code null} outside a request
 * @param principal who: subject and how it was established; {@code null} when no credential was accepted
 * @param tenant    the principal's tenant, or {@code null}
 * @param route     the id of the route the request matched, or {@code null}
 * @param method    the request's HTTP method, or {@code null}
 * @param path      the request's path, or {@code null}
 * @param target    the object an admin change changed, as {@code kind:id} ({@code route:orders}), or {@code null}
 * @param details   further facts (the refusal's details, the consumer of a key, ...); never a secret
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditEvent(
    String id,
    Instant timestamp,
    Category category,
    String action,
    Decision decision,
    @Nullable String reason,
    @Nullable @JsonProperty("request_id") String requestId,
    @Nullable Principal principal,
    @Nullable String tenant,
    @Nullable String route,
    @Nullable String method,
    @Nullable String path,
    @Nullable String target,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    Map<String, Object> details) {

    /**
     * Copies the details, so an event is immutable; entries without a value are left out.
     */
    public AuditEvent {
        details = immutable(details);
    }

    private static Map<String, Object> immutable(Map<String, Object> details) {
        if (details == null || details.isEmpty()) {
            return Map.of();
        }
        try {
            // Free for a map that is immutable already (a GatewayException's details).
            return Map.copyOf(details);
        } catch (NullPointerException nullEntry) {
            // Some entry has no value: keep the others.
        }
        Map<String, Object> present = new java.util.HashMap<>();
        details.forEach((key, value) -> {
            if (key != null && value != null) {
                present.put(key, value);
            }
        });
        return Map.copyOf(present);
    }

    /** What kind of event it is. */
    @Serdeable
    @Schema(type = "string", allowableValues = {"authentication", "authorization", "admin"})
    public enum Category {
        /** A credential was missing or refused (401). */
        AUTHENTICATION,
        /** A route's access rules admitted or refused an authenticated caller (200 onwards or 403). */
        AUTHORIZATION,
        /** The admin API changed, or refused to change, something. */
        ADMIN;

        /**
         * @return the lower-case name used in JSON, the table and query parameters
         */
        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param text a lower- or upper-case name
         * @return the category, or {@code null} when the text names none
         */
        public static Category parse(String text) {
            for (Category category : values()) {
                if (category.name().equalsIgnoreCase(text)) {
                    return category;
                }
            }
            return null;
        }
    }

    /** The outcome. */
    @Serdeable
    @Schema(type = "string", allowableValues = {"allow", "deny"})
    public enum Decision {
        /** The request was let through, or the change was made. */
        ALLOW,
        /** The request or change was refused. */
        DENY;

        /**
         * @return the lower-case name used in JSON, the table and query parameters
         */
        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param text a lower- or upper-case name
         * @return the decision, or {@code null} when the text names none
         */
        public static Decision parse(String text) {
            for (Decision decision : values()) {
                if (decision.name().equalsIgnoreCase(text)) {
                    return decision;
                }
            }
            return null;
        }
    }

    /**
     * Who acted.
     *
     * @param subject the subject ({@code sub} of a JWT, a consumer, {@code admin}); {@code null} when unknown
     * @param method  how it was established: {@code jwt}, {@code api-key}, {@code session}, {@code admin-token}, ...
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Principal(@Nullable String subject, String method) {
    }

    /**
     * @param category what kind of event
     * @param action   what was attempted, such as {@code route.access} or {@code token.revoke}
     * @return a builder with a new id, the current time and decision allow
     */
    public static Builder builder(Category category, String action) {
        return new Builder(category, action);
    }

    /**
     * @return a random (version 4) UUID, without the lock of {@link UUID#randomUUID()}'s secure random
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Assembles an {@link AuditEvent}; not thread-safe, use it where it was made. */
    public static final class Builder {

        private final Category category;
        private final String action;
        private Decision decision = Decision.ALLOW;
        private String reason;
        private String requestId;
        private Principal principal;
        private String tenant;
        private String route;
        private String method;
        private String path;
        private String target;
        private Map<String, Object> details = Map.of();

        private Builder(Category category, String action) {
            this.category = category;
            this.action = action;
        }

        /**
         * @param outcome allow or deny
         * @param why     the reason, or {@code null}
         * @return this
         */
        public Builder decision(Decision outcome, @Nullable String why) {
            this.decision = outcome;
            this.reason = why;
            return this;
        }

        /**
         * @param subject the subject, or {@code null} when unknown
         * @param how     how it was established ({@code jwt}, {@code admin-token}, ...)
         * @return this
         */
        public Builder principal(@Nullable String subject, String how) {
            this.principal = new Principal(subject, how);
            return this;
        }

        /**
         * @param value the tenant, or {@code null}
         * @return this
         */
        public Builder tenant(@Nullable String value) {
            this.tenant = value;
            return this;
        }

        /**
         * @param id         the request id
         * @param httpMethod the HTTP method
         * @param httpPath   the path
         * @return this
         */
        public Builder request(@Nullable String id, @Nullable String httpMethod, @Nullable String httpPath) {
            this.requestId = id;
            this.method = httpMethod;
            this.path = httpPath;
            return this;
        }

        /**
         * @param routeId the id of the route the request matched
         * @return this
         */
        public Builder route(@Nullable String routeId) {
            this.route = routeId;
            return this;
        }

        /**
         * @param object the object changed, as {@code kind:id}
         * @return this
         */
        public Builder target(@Nullable String object) {
            this.target = object;
            return this;
        }

        /**
         * @param facts further facts; never a secret
         * @return this
         */
        public Builder details(Map<String, Object> facts) {
            this.details = facts;
            return this;
        }

        /**
         * @return the event, with a new id and the current time
         */
        public AuditEvent build() {
            return new AuditEvent(newId(), Instant.now(), category, action, decision, reason, requestId, principal, tenant,
                route, method, path, target, details);
        }
    }
}
