package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * A token as issued: shown once, never stored. Besides Gatehouse's own fields ({@code expires_in},
 * {@code expires_at}) it carries the Traefik multi-project router's ({@code token}, {@code jti},
 * {@code expiresAt}, {@code project}, {@code service}), so clients of either read it unchanged.
 *
 * @param token       the signed JWT
 * @param tokenType   always {@code Bearer}
 * @param expiresIn   seconds until it expires
 * @param expiresAtUtc when it expires, under the router's name {@code expiresAt}
 * @param metadata    what is kept about it
 */
@Serdeable
public record IssuedToken(
    String token,
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("expires_in") long expiresIn,
    @JsonProperty("expiresAt") Instant expiresAtUtc,
    @JsonUnwrapped TokenMetadata metadata) {

    /**
     * @param token     the signed JWT
     * @param tokenType always {@code Bearer}
     * @param expiresIn seconds until it expires
     * @param metadata  what is kept about it
     */
    public IssuedToken(String token, String tokenType, long expiresIn, TokenMetadata metadata) {
        this(token, tokenType, expiresIn, metadata.expiresAt(), metadata);
    }
}
