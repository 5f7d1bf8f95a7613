package io.gatehouse.identity.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * The bodies of {@code /admin/consumers}.
 */
final class ConsumerModels {

    private ConsumerModels() {
    }

    /**
     * Create or update a consumer.
     *
     * @param name   its name (create only)
     * @param groups its groups
     * @param tenant its tenant (create only; a tenant administrator's own when absent)
     * @param plan   its rate-limit plan, one of the plans in force; on update, absent keeps it and {@code ""} removes it
     */
    @Serdeable
    record ConsumerRequest(@Nullable String name, @Nullable List<String> groups, @Nullable String tenant, @Nullable String plan) {
    }

    /**
     * A consumer as the admin API shows it.
     *
     * @param name      its name
     * @param groups    its groups
     * @param source    {@code api} or {@code file} (read-only)
     * @param keys      its keys, without secrets
     * @param createdAt when it was created ({@code api} only)
     * @param updatedAt when it last changed ({@code api} only)
     * @param tenant    its tenant, or {@code null} (global)
     * @param plan      its rate-limit plan, or {@code null}
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConsumerView(String name, List<String> groups, String source, List<KeyView> keys,
                        @Nullable @JsonProperty("created_at") Instant createdAt,
                        @Nullable @JsonProperty("updated_at") Instant updatedAt,
                        @Nullable String tenant, @Nullable String plan) {
    }

    /**
     * A key without its secret.
     *
     * @param id        its id
     * @param hint      how the key starts, to recognise it
     * @param createdAt when it was created
     * @param expiresAt when it stops working, or {@code null}
     * @param revokedAt when it was revoked, or {@code null}
     * @param active    whether it works now
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyView(String id, @Nullable String hint, @Nullable @JsonProperty("created_at") Instant createdAt,
                   @Nullable @JsonProperty("expires_at") Instant expiresAt,
                   @Nullable @JsonProperty("revoked_at") Instant revokedAt, boolean active) {
    }

    /**
     * Create a key, optionally rotating an old one.
     *
     * @param ttl       the new key's lifetime ({@code 30d}, {@code 12h}, ISO-8601), or never expiring
     * @param rotate    the id of a key of the same consumer to retire
     * @param overlap   how long the retired key keeps working ({@code 0s}: revoked at once, the default)
     */
    @Serdeable
    record KeyRequest(@Nullable String ttl, @Nullable String rotate, @Nullable String overlap) {
    }

    /**
     * A created key: the only time it is shown.
     *
     * @param id        its id
     * @param key       the key
     * @param consumer  its consumer
     * @param header    the header to send it in
     * @param createdAt when it was created
     * @param expiresAt when it stops working, or {@code null}
     * @param rotated   the retired key, when rotating
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CreatedKey(String id, String key, String consumer, String header,
                      @JsonProperty("created_at") Instant createdAt,
                      @Nullable @JsonProperty("expires_at") Instant expiresAt,
                      @Nullable KeyView rotated) {
    }

    /**
     * The list of consumers.
     *
     * @param consumers every consumer, declared ones included
     */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    record ConsumerList(List<ConsumerView> consumers) {
    }
}
