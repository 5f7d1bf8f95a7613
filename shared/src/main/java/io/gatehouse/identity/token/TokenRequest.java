package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The body of {@code POST /v1/tokens}, in Gatehouse's own shape ({@code ttl}, {@code expires_in})
 * or the Traefik multi-project router's ({@code expiresInDays}, {@code description}). At most one
 * lifetime is needed; several are accepted only when they name the same lifetime.
 *
 * @param project       the {@code project} claim, required
 * @param service       the {@code service} claim, required
 * @param subject       the {@code sub} claim; {@code <project>/<service>} when absent
 * @param description   what the token is for, kept and shown in the token list
 * @param ttl           the lifetime as {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s} or ISO-8601 ({@code P30D})
 * @param expiresIn     the lifetime in seconds
 * @param expiresInDays the lifetime in whole days (the router's field)
 * @param tenant        the tenant claim; a tenant administrator's own when absent
 */
@Serdeable
public record TokenRequest(
    @Nullable String project,
    @Nullable String service,
    @Nullable String subject,
    @Nullable String description,
    @Nullable String ttl,
    @Nullable @JsonProperty("expires_in") Long expiresIn,
    @Nullable @JsonProperty("expiresInDays") Long expiresInDays,
    @Nullable String tenant) {
}
