/**
 * The OAuth2 token endpoint ({@code POST /oauth/token}, RFC 6749) and its client registry
 * ({@code /admin/oauth-clients}). Access tokens are the gateway's own JWTs, recorded and revocable
 * like those of {@code /v1/tokens}; client secrets are PBKDF2 hashes; refresh tokens are SHA-256
 * hashes, rotated on every use.
 */
package io.gatehouse.identity.oauth;
