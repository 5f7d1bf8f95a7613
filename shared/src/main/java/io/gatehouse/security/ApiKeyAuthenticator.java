package io.gatehouse.security;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.apikey.ApiKeyPrincipal;
import io.gatehouse.identity.apikey.ApiKeys;
import io.gatehouse.route.RequestView;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code api-key} method: a consumer's key in the API key header ({@code X-API-Key} unless
 * {@code gateway.api-keys.header} names another), looked up in memory by its hash. The consumer
 * becomes the principal's subject, its groups its roles (so {@code authorization.groups} and
 * {@code authorization.roles} allow or deny consumer groups per route) and its tenant the principal's.
 * A consumer's key is always minted by the gateway: a tenant consumer's principal is
 * {@link GatewayPrincipal#tenantBound() tenant-bound}, so a tenant administrator's consumer (with
 * whatever groups it chose) reaches its tenant's routes only.
 */
@Singleton
final class ApiKeyAuthenticator implements Authenticator, Ordered {

    /** The method name routes use: {@code auth: api-key}. */
    static final String METHOD = "api-key";

    private final ApiKeys apiKeys;

    ApiKeyAuthenticator(ApiKeys apiKeys) {
        this.apiKeys = apiKeys;
    }

    /** After JWT: with {@code auth: any}, a bearer token is tried first. */
    @Override
    public int getOrder() {
        return 10;
    }

    @Override
    public String method() {
        return METHOD;
    }

    @Override
    public String challenge() {
        return "ApiKey realm=\"gatehouse\", header=\"" + apiKeys.header() + "\"";
    }

    @Override
    public AuthenticationResult authenticate(RequestView request) {
        String presented = request.header(apiKeys.header());
        if (presented == null || presented.isBlank()) {
            return AuthenticationResult.ABSENT;
        }
        Optional<ApiKeyPrincipal> consumer = apiKeys.lookup(presented.trim());
        if (consumer.isEmpty()) {
            return new AuthenticationResult.Rejected(new GatewayException(ErrorCode.UNAUTHORIZED,
                "The API key is not valid.", Map.of("auth", METHOD, "reason", "invalid_api_key"),
                Map.of("WWW-Authenticate", challenge())));
        }
        ApiKeyPrincipal found = consumer.get();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("consumer", found.consumer());
        claims.put("key_id", found.keyId());
        claims.put("groups", found.groups());
        if (found.tenant() != null) {
            claims.put("tenant", found.tenant());
        }
        if (found.plan() != null) {
            claims.put("plan", found.plan());
        }
        Set<String> groups = new LinkedHashSet<>(found.groups());
        return new AuthenticationResult.Authenticated(new GatewayPrincipal(found.consumer(), METHOD, claims, groups, Set.of(),
            found.tenant(), true));
    }
}
