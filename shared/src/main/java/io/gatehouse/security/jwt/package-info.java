/**
 * JWT bearer tokens: {@link io.gatehouse.security.jwt.JwtVerifier} checks a token in memory with
 * micronaut-security-jwt's signature configurations (Nimbus JOSE underneath) against an HMAC
 * secret and the keys of {@link io.gatehouse.security.jwt.JwksKeyStore}, and
 * {@link io.gatehouse.security.jwt.JwtAuthenticator} plugs it into route access as the {@code jwt}
 * method. Settings are under {@code gateway.jwt.*} ({@link io.gatehouse.security.jwt.JwtConfiguration}).
 */
package io.gatehouse.security.jwt;
