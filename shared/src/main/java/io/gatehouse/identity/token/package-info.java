/**
 * The token service: {@link io.gatehouse.identity.token.TokenService} issues HS256 JWTs signed by
 * {@link io.gatehouse.identity.token.TokenSigner} and records them (never the token itself);
 * {@link io.gatehouse.identity.token.Revocations} is every instance's in-memory revocation set,
 * the non-blocking check the JWT verifier calls.
 */
package io.gatehouse.identity.token;
