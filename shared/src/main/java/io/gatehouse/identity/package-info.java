/**
 * Who is calling: the gateway's own credentials and the in-memory views the request path checks
 * them against.
 *
 * <ul>
 *   <li>{@link io.gatehouse.identity.token} issues signed JWTs ({@code /v1/tokens}) and keeps the
 *       revocation set ({@link io.gatehouse.identity.token.Revocations#isRevoked(String)});</li>
 *   <li>{@link io.gatehouse.identity.apikey} keeps consumers, their groups and API keys
 *       ({@code /admin/consumers}, {@link io.gatehouse.identity.apikey.ApiKeys#lookup(String)});</li>
 *   <li>{@link io.gatehouse.identity.oauth} is the OAuth2 token endpoint ({@code /oauth/token}) and
 *       its client registry ({@code /admin/oauth-clients}).</li>
 * </ul>
 *
 * <p>PostgreSQL (H2 in the embedded default) is the source of truth, migrated lazily by
 * {@link io.gatehouse.identity.IdentityDatabase}. Every instance keeps what the hot path needs in
 * memory and {@link io.gatehouse.identity.IdentitySync} keeps it fresh: Redis pub/sub and a
 * 500 ms version check in the container, a version check before a credential-carrying request
 * on Lambda. Verification (JWT signature, per-route access) lives in {@code io.gatehouse.security}
 * and only calls the non-blocking checks exposed here.
 */
package io.gatehouse.identity;
