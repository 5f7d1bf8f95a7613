/**
 * Browser sessions: the signed session cookie the OIDC login ({@code io.gatehouse.identity.sso})
 * sets, and the {@code session} authentication method that admits it on routes.
 *
 * <p>{@link io.gatehouse.security.session.SessionTokens} signs and checks session values (and seals
 * the login state) with {@code gateway.session.secret}; {@link io.gatehouse.security.session.Sessions}
 * records, reads and ends sessions (ending one revokes its id through the token revocations, so
 * every instance refuses it within a second); {@code SessionAuthenticator} is the route-side
 * check, in memory and never blocking, the same in the container and on Lambda.
 */
package io.gatehouse.security.session;
