package io.gatehouse.security.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.security.AuthenticationResult;
import io.gatehouse.security.Authenticator;
import io.gatehouse.security.BearerChallenge;
import io.gatehouse.security.ClaimPath;
import io.gatehouse.security.GatewayPrincipal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.util.StringUtils;
import io.gatehouse.identity.token.Revocations;
import io.gatehouse.identity.token.TokenConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.function.BiPredicate;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code jwt} method: a bearer token in {@code Authorization: Bearer <token>}, checked by
 * {@link JwtVerifier}. The principal's subject is {@code sub}; roles come from
 * {@code gateway.jwt.roles-claim}; scopes from {@code scope} (space-separated) and {@code scp};
 * the tenant from the first present of {@code gateway.jwt.tenant-claims}. Roles and tenant claims
 * are names or dotted paths ({@code realm_access.roles}), read by {@link ClaimPath}. A token with a tenant
 * whose {@code iss} is the token service's ({@code gateway.tokens.issuer}) was minted by this
 * gateway (only its own key signs that issuer's tokens, and the token service always sets it): its
 * principal is {@link GatewayPrincipal#tenantBound() tenant-bound}. An identity provider's token
 * with a tenant is not: the provider is trusted for its claims.
 */
@Singleton
@Requires(property = JwtConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
public class JwtAuthenticator implements Authenticator, Ordered {

    /** The method name routes use: {@code auth: jwt}. */
    public static final String METHOD = "jwt";

    private static final String BEARER = "bearer ";

    private final JwtVerifier verifier;
    private final JwtConfiguration configuration;
    private final BiPredicate<String, String> revoked;
    private final String mintedIssuer;
    /**
     * The principal of each claims set the verifier handed out lately. The verifier answers a token
     * it has seen with the same claims set, so a client's repeated token maps its claims (roles,
     * scopes, tenant) once; weak keys compare by identity and let a set go with its token.
     */
    private final Cache<JWTClaimsSet, GatewayPrincipal> principals = Caffeine.newBuilder()
        .weakKeys().maximumSize(10_000).build();

    @Inject
    JwtAuthenticator(JwtVerifier verifier, JwtConfiguration configuration, Revocations revocations, TokenConfiguration tokens) {
        this(verifier, configuration, revocations::isRevoked, tokens.getIssuer());
    }

    /** Without the token service's revocations (unit tests of verification alone). */
    JwtAuthenticator(JwtVerifier verifier, JwtConfiguration configuration) {
        this(verifier, configuration, (jti, tenant) -> false, TokenConfiguration.DEFAULT_ISSUER);
    }

    private JwtAuthenticator(JwtVerifier verifier, JwtConfiguration configuration, BiPredicate<String, String> revoked, String mintedIssuer) {
        this.verifier = verifier;
        this.configuration = configuration;
        this.revoked = revoked;
        this.mintedIssuer = mintedIssuer;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public String challenge() {
        return BearerChallenge.missing();
    }

    @Override
    public AuthenticationResult authenticate(RequestView request) {
        String authorization = request.header("Authorization");
        if (authorization == null || authorization.length() < BEARER.length()
            || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return AuthenticationResult.ABSENT;
        }
        if (request.headers("Authorization").size() > 1) {
            // Which one would count differs between runtimes and proxies in front: refuse rather than pick.
            return rejected(new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "The request has more than one "
                + "Authorization header; send exactly one bearer token."));
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (!verifier.hasKeys()) {
            return rejected(new InvalidTokenException(InvalidTokenException.Reason.NO_KEYS, "This gateway has no JWT keys configured "
                + "(gateway.jwt.secret, gateway.jwt.secret-file or gateway.jwt.jwks-urls)."));
        }
        if (token.isEmpty()) {
            return rejected(new InvalidTokenException(InvalidTokenException.Reason.MALFORMED, "The bearer token is empty."));
        }
        try {
            JWTClaimsSet claims = verifier.verify(token);
            GatewayPrincipal principal = principals.get(claims, this::principal);
            // After the signature: an unverified jti must not be able to probe the revocation list.
            if (claims.getJWTID() != null && revoked.test(claims.getJWTID(), principal.tenant())) {
                throw new InvalidTokenException(InvalidTokenException.Reason.REVOKED, "The token has been revoked.");
            }
            return new AuthenticationResult.Authenticated(principal);
        } catch (InvalidTokenException e) {
            return rejected(e);
        }
    }

    /**
     * Like {@link #authenticate(RequestView)}, but a token whose {@code kid} is unknown waits for
     * the key refresh it started (bounded by {@code gateway.jwt.jwks-timeout}) and is checked once more.
     */
    @Override
    public CompletionStage<AuthenticationResult> authenticateAsync(RequestView request) {
        AuthenticationResult first = authenticate(request);
        if (first instanceof AuthenticationResult.Rejected rejected && waitsForKeys(rejected)) {
            CompletableFuture<?> pending = verifier.pendingKeyRefresh();
            if (pending != null) {
                return pending.handle((keys, error) -> authenticate(request));
            }
            return CompletableFuture.completedFuture(authenticate(request));
        }
        return CompletableFuture.completedFuture(first);
    }

    private static boolean waitsForKeys(AuthenticationResult.Rejected rejected) {
        Object reason = rejected.error().details().get("reason");
        return InvalidTokenException.Reason.UNKNOWN_KID.code().equals(reason) || InvalidTokenException.Reason.NO_KEYS.code().equals(reason);
    }

    private GatewayPrincipal principal(JWTClaimsSet claims) {
        Map<String, Object> json = new LinkedHashMap<>(claims.toJSONObject());
        Set<String> roles = ClaimPath.values(json, configuration.getRolesClaim());
        Set<String> scopes = new LinkedHashSet<>(ClaimPath.values(json, "scope"));
        scopes.addAll(ClaimPath.values(json, "scp"));
        String tenant = null;
        for (String name : configuration.getTenantClaims()) {
            Object value = ClaimPath.resolve(json, name);
            if (value instanceof String text && !text.isBlank()) {
                tenant = text;
                break;
            }
        }
        // The token service signs with the gateway's key and always sets its issuer: a tenant administrator's token.
        boolean minted = mintedIssuer != null && mintedIssuer.equals(claims.getIssuer());
        return new GatewayPrincipal(claims.getSubject(), METHOD, json, roles, scopes, tenant, minted);
    }

    private static AuthenticationResult rejected(InvalidTokenException e) {
        return new AuthenticationResult.Rejected(new GatewayException(ErrorCode.UNAUTHORIZED, e.getMessage(),
            Map.of("auth", METHOD, "reason", e.reason().code()),
            Map.of(BearerChallenge.HEADER, BearerChallenge.invalidToken(e.getMessage()))));
    }

    @Override
    public int getOrder() {
        return 0;
    }
}
