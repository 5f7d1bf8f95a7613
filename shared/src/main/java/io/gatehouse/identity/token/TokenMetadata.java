package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * What the gateway keeps about a token it issued: everything but the token.
 *
 * @param jti       the {@code jti} claim
 * @param kind      {@code service} (from {@code POST /v1/tokens}) or {@code oauth} (from {@code POST /oauth/token})
 * @param project   the {@code project} claim, or {@code null}
 * @param service   the {@code service} claim, or {@code null}
 * @param subject   the {@code sub} claim
 * @param clientId  the OAuth client it was issued to, or {@code null}
 * @param scope     the {@code scope} claim, or {@code null}
 * @param issuedAt  the {@code iat} claim
 * @param expiresAt the {@code exp} claim
 * @param revokedAt when it was revoked, or {@code null}
 * @param tenant    its tenant claim, or {@code null}
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenMetadata(
    String jti,
    String kind,
    @Nullable String project,
    @Nullable String service,
    String subject,
    @Nullable @JsonProperty("client_id") String clientId,
    @Nullable String scope,
    @JsonProperty("issued_at") Instant issuedAt,
    @JsonProperty("expires_at") Instant expiresAt,
    @Nullable @JsonProperty("revoked_at") Instant revokedAt,
    @Nullable String tenant) {
}
