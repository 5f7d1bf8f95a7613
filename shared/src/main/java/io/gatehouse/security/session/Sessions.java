package io.gatehouse.security.session;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.token.Revocations;
import io.gatehouse.identity.token.TokenMetadata;
import io.gatehouse.identity.token.TokenService;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts, reads and ends sessions. A session is recorded as a token of kind {@value #KIND}
 * ({@code gh_tokens}, so {@code /v1/tokens} lists it and can revoke it) and handed to the browser
 * as a signed value in the session cookie. Starting and ending one write to the database
 * (blocking); reading one is in memory.
 *
 * <p>The cookie is {@code HttpOnly} (no script reads it), {@code Secure} (unless
 * {@code gateway.session.cookie-secure=false} for plain-HTTP development), {@code Path=/},
 * {@code Max-Age} the session lifetime, and {@code SameSite=Lax}: sent on top-level navigations
 * from other sites (a link into the application, and the provider's redirect back to the
 * callback), never on cross-site subrequests or form posts. {@code Strict} would make a user who
 * follows a link into the application look logged out on that first request.
 */
@Singleton
public class Sessions {

    /** The kind sessions are recorded as among the gateway's tokens. */
    public static final String KIND = "session";

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    /** Browsers keep cookies of up to about 4096 bytes, name and attributes included. */
    private static final int COOKIE_WARNING_LENGTH = 3800;

    private final SessionTokens tokens;
    private final TokenService tokenService;
    private final Revocations revocations;
    private final SessionConfiguration configuration;

    Sessions(SessionTokens tokens, TokenService tokenService, Revocations revocations, SessionConfiguration configuration) {
        this.tokens = tokens;
        this.tokenService = tokenService;
        this.revocations = revocations;
        this.configuration = configuration;
    }

    /**
     * Records a new session and signs its value. Blocking.
     *
     * @param userId the user's id (the session's {@code sub})
     * @param claims further claims ({@link SessionClaims}, {@code email}, {@code name}, ...)
     * @return the cookie that carries it
     */
    public Cookie start(String userId, Map<String, Object> claims) {
        Duration lifetime = configuration.getLifetime();
        Object scope = claims.get(SessionClaims.SCOPE);
        Object tenant = claims.get(SessionClaims.TENANT);
        // Recorded with the user's tenant, so a tenant administrator lists and revokes its own users' sessions only.
        TokenMetadata recorded = tokenService.record(new TokenService.Grant(KIND, null, null, userId, null,
            scope instanceof String s ? s : null, lifetime, tenant instanceof String t ? t : null));
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        builder.subject(userId)
            .jwtID(recorded.jti())
            .claim(SessionClaims.SID, recorded.jti())
            .issueTime(Date.from(recorded.issuedAt()))
            .expirationTime(Date.from(recorded.expiresAt()));
        String value = tokens.sign(builder.build());
        if (value.length() > COOKIE_WARNING_LENGTH) {
            LOG.warn("The session cookie of user {} is {} characters; browsers drop cookies over about 4096 bytes. "
                + "Ask the provider for fewer groups or roles in the ID token.", userId, value.length());
        }
        return cookie(value, lifetime);
    }

    /**
     * @param request a request
     * @return the claims of its session when it carries a valid, unrevoked one
     */
    public Optional<JWTClaimsSet> current(HttpRequest<?> request) {
        String value = SessionCookies.find(request.getHeaders().getAll("Cookie"), configuration.getCookieName());
        if (value == null) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = tokens.verify(value);
            return revocations.isRevoked(claims.getJWTID()) ? Optional.empty() : Optional.of(claims);
        } catch (InvalidTokenException e) {
            return Optional.empty();
        }
    }

    /**
     * Ends the request's session everywhere (revokes its id, see {@link TokenService#revoke}).
     * Blocking.
     *
     * @param request a request
     * @return the claims of the session that was ended, or empty when the request had none
     * @throws GatewayException 503 when the revocation cannot be stored or announced
     */
    public Optional<JWTClaimsSet> end(HttpRequest<?> request) {
        Optional<JWTClaimsSet> session = current(request);
        session.ifPresent(claims -> {
            try {
                // The user ends its own session: no administrator acts, so the tenant scope does not apply.
                tokenService.revoke(AdminPrincipal.GLOBAL, claims.getJWTID());
            } catch (GatewayException e) {
                if (e.errorCode() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                // Signed with the secret but never recorded here (an embedded database that restarted):
                // nothing to revoke; the cookie is still removed.
                LOG.warn("Session {} is not recorded in gh_tokens and cannot be revoked; only its cookie is removed", claims.getJWTID());
            }
        });
        return session;
    }

    /**
     * @param request a request
     * @return whether it carries the session cookie at all, valid or not: only then may its answer remove the
     *         cookie, or a cross-site form POST (which SameSite=Lax sends without the cookie) would log the user
     *         out through the answer's {@code Set-Cookie}
     */
    public boolean carriesCookie(HttpRequest<?> request) {
        return SessionCookies.find(request.getHeaders().getAll("Cookie"), configuration.getCookieName()) != null;
    }

    /**
     * @return the cookie that removes the session cookie from the browser
     */
    public Cookie cleared() {
        return cookie("", Duration.ZERO);
    }

    /**
     * @return the session cookie's name
     */
    public String cookieName() {
        return configuration.getCookieName();
    }

    /**
     * A cookie with the session cookie's attributes ({@code HttpOnly}, {@code Secure} unless
     * configured off, {@code SameSite=Lax}).
     *
     * @param name   its name
     * @param value  its value
     * @param path   its path
     * @param maxAge its lifetime; zero removes it
     * @return the cookie
     */
    public Cookie cookie(String name, String value, String path, Duration maxAge) {
        return Cookie.of(name, value).httpOnly(true).secure(configuration.isCookieSecure()).sameSite(SameSite.Lax)
            .path(path).maxAge(maxAge);
    }

    private Cookie cookie(String value, Duration maxAge) {
        return cookie(configuration.getCookieName(), value, "/", maxAge);
    }

    /**
     * @param claims a session's claims
     * @return the roles it carries
     */
    public static List<String> roles(JWTClaimsSet claims) {
        Object roles = claims.getClaim(SessionClaims.ROLES);
        return roles instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
