package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * What the gateway keeps about a token: everything but the token.
 *
 * @param jti              the {@code jti} claim
 * @param kind             {@code service} (from {@code POST /v1/tokens}), {@code oauth} (from {@code POST /oauth/token}),
 *                         {@code session}, or {@code foreign}: a token another issuer signed with the shared secret,
 *                         known only by its revocation
 * @param project          the {@code project} claim, or {@code null}
 * @param service          the {@code service} claim, or {@code null}
 * @param subject          the {@code sub} claim; {@code null} for a foreign token
 * @param clientId         the OAuth client it was issued to, or {@code null}
 * @param scope            the {@code scope} claim, or {@code null}
 * @param issuedAt         the {@code iat} claim; {@code null} for a foreign token
 * @param expiresAt        the {@code exp} claim; for a foreign token, until when its revocation is kept
 * @param revokedAt        when it was revoked, or {@code null}
 * @param tenant           its tenant claim, or {@code null}; for a foreign token, the tenant whose tokens the revocation applies to
 * @param description      what it is for, as given when it was issued, or {@code null}
 * @param revokedBy        who revoked it (the administrator's subject), or {@code null}
 * @param revocationReason why it was revoked, or {@code null}
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenMetadata(
    String jti,
    String kind,
    @Nullable String project,
    @Nullable String service,
    @Nullable String subject,
    @Nullable @JsonProperty("client_id") String clientId,
    @Nullable String scope,
    @Nullable @JsonProperty("issued_at") Instant issuedAt,
    @JsonProperty("expires_at") Instant expiresAt,
    @Nullable @JsonProperty("revoked_at") Instant revokedAt,
    @Nullable String tenant,
    @Nullable String description,
    @Nullable @JsonProperty("revoked_by") String revokedBy,
    @Nullable @JsonProperty("revocation_reason") String revocationReason) {

    /** The kind of a token the gateway did not issue, recorded when it is revoked. */
    public static final String FOREIGN = "foreign";

    /**
     * A token the gateway issues, not revoked.
     *
     * @param jti         the {@code jti} claim
     * @param kind        its kind
     * @param project     the {@code project} claim, or {@code null}
     * @param service     the {@code service} claim, or {@code null}
     * @param subject     the {@code sub} claim
     * @param clientId    the OAuth client, or {@code null}
     * @param scope       the {@code scope} claim, or {@code null}
     * @param issuedAt    the {@code iat} claim
     * @param expiresAt   the {@code exp} claim
     * @param tenant      its tenant claim, or {@code null}
     * @param description what it is for, or {@code null}
     */
    public TokenMetadata(String jti, String kind, @Nullable String project, @Nullable String service, String subject,
                         @Nullable String clientId, @Nullable String scope, Instant issuedAt, Instant expiresAt,
                         @Nullable String tenant, @Nullable String description) {
        this(jti, kind, project, service, subject, clientId, scope, issuedAt, expiresAt, null, tenant, description, null, null);
    }
}
