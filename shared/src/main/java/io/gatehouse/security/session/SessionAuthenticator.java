package io.gatehouse.security.session;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.token.Revocations;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.security.Authenticator;
import io.gatehouse.security.BearerChallenge;
import io.gatehouse.security.GatewayPrincipal;
import io.gatehouse.security.jwt.InvalidTokenException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code session} method: the session cookie the OIDC login set ({@code gatehouse_session}
 * unless {@code gateway.session.cookie-name} names another). Checked in memory, never blocking:
 * the signature and expiry by {@link SessionTokens}, then the session id against the revoked
 * tokens every instance holds ({@link Revocations}), which is how a logout on one instance is
 * refused by all within a second.
 *
 * <p>The principal's subject is the user id the gateway gave the user at first login; its claims
 * are those the login copied from the ID token ({@code email}, {@code name}, {@code groups},
 * {@code roles}, ...), its roles the {@code roles} claim, its scopes those granted at login, its
 * tenant the {@code tenant} claim. Route rules (claims, roles, scopes) apply to it as to any principal.
 */
@Singleton
@Requires(property = SessionConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class SessionAuthenticator implements Authenticator, Ordered {

    /** The method name routes use: {@code auth: session}. */
    static final String METHOD = "session";

    private final SessionTokens tokens;
    private final Revocations revocations;
    private final String cookieName;

    SessionAuthenticator(SessionTokens tokens, Revocations revocations, SessionConfiguration configuration) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.cookieName = configuration.getCookieName();
    }

    /** After JWT and API keys: with {@code auth: any}, an explicit credential header is tried first. */
    @Override
    public int getOrder() {
        return 20;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public String challenge() {
        return "Cookie realm=\"" + BearerChallenge.REALM + "\", cookie-name=\"" + cookieName + "\"";
    }

    @Override
    public AuthenticationResult authenticate(RequestView request) {
        String value = SessionCookies.find(request.headers("Cookie"), cookieName);
        if (value == null) {
            return AuthenticationResult.ABSENT;
        }
        try {
            JWTClaimsSet claims = tokens.verify(value);
            if (revocations.isRevoked(claims.getJWTID())) {
                throw new InvalidTokenException(InvalidTokenException.Reason.REVOKED, "The session has ended (logged out).");
            }
            return new AuthenticationResult.Authenticated(principal(claims));
        } catch (InvalidTokenException e) {
            String message = e.reason() == InvalidTokenException.Reason.REVOKED || e.reason() == InvalidTokenException.Reason.EXPIRED
                ? (e.reason() == InvalidTokenException.Reason.EXPIRED ? "The session has expired; log in again." : e.getMessage())
                : "The session cookie is not valid; log in again.";
            return new AuthenticationResult.Rejected(new GatewayException(ErrorCode.UNAUTHORIZED, message,
                Map.of("auth", METHOD, "reason", e.reason().code()), Map.of(BearerChallenge.HEADER, challenge())));
        }
    }

    /**
     * @param claims a verified session value's claims
     * @return the principal they describe
     */
    static GatewayPrincipal principal(JWTClaimsSet claims) {
        Map<String, Object> json = new LinkedHashMap<>(claims.toJSONObject());
        Set<String> roles = strings(json.get(SessionClaims.ROLES));
        Set<String> scopes = new LinkedHashSet<>();
        if (json.get(SessionClaims.SCOPE) instanceof String scope) {
            for (String part : scope.split(" ")) {
                if (!part.isBlank()) {
                    scopes.add(part);
                }
            }
        }
        Object tenant = json.get(SessionClaims.TENANT);
        return new GatewayPrincipal(claims.getSubject(), METHOD, json, roles, scopes, tenant instanceof String t ? t : null);
    }

    private static Set<String> strings(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                if (value != null) {
                    out.add(String.valueOf(value));
                }
            }
        }
        return out;
    }
}
