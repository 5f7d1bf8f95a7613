package io.gatehouse.identity.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A token as issued: shown once, never stored.
 *
 * @param token     the signed JWT
 * @param tokenType always {@code Bearer}
 * @param expiresIn seconds until it expires
 * @param metadata  what is kept about it
 */
@Serdeable
public record IssuedToken(
    String token,
    @JsonProperty("token_type") String tokenType,
    @JsonProperty("expires_in") long expiresIn,
    @JsonUnwrapped TokenMetadata metadata) {
}
