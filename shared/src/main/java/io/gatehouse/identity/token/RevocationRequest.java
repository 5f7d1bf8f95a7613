package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * The optional body of {@code DELETE /v1/tokens/{jti}}.
 *
 * @param reason    why the token is revoked, kept with who revoked it and when (or {@code ?reason=})
 * @param expiresAt for a token the gateway did not issue: its {@code exp}, until which the
 *                  revocation is kept; {@code gateway.tokens.max-lifetime} from now when absent
 */
@Serdeable
public record RevocationRequest(
    @Nullable String reason,
    @Nullable @JsonProperty("expires_at") Instant expiresAt) {
}
