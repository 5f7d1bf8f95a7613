package io.gatehouse.contract;

import io.gatehouse.identity.apikey.ApiKeys;
import io.gatehouse.identity.token.Revocations;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.swagger.v3.oas.annotations.Hidden;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Endpoints that only exist under {@code spec.name=contract}: they answer what the request path's
 * identity checks answer ({@link Revocations#isRevoked(String)}, {@link ApiKeys#lookup(String)}),
 * so the contract suite can prove revocations and keys reach every runtime, before the JWT and
 * API key filters of {@code io.gatehouse.security} exist to refuse requests with them.
 */
@Hidden
@Controller("/contract/identity")
@Requires(property = "spec.name", value = ContractTestBase.SPEC)
class IdentityFixtures {

    private final Revocations revocations;
    private final ApiKeys apiKeys;

    IdentityFixtures(Revocations revocations, ApiKeys apiKeys) {
        this.revocations = revocations;
        this.apiKeys = apiKeys;
    }

    @Get("/revoked/{jti}")
    Map<String, Object> revoked(@PathVariable String jti) {
        return Map.of("jti", jti, "revoked", revocations.isRevoked(jti));
    }

    @Get("/api-key")
    HttpResponse<Map<String, Object>> apiKey(HttpRequest<?> request) {
        return apiKeys.lookup(request.getHeaders().get(apiKeys.header()))
            .<HttpResponse<Map<String, Object>>>map(p -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("consumer", p.consumer());
                body.put("key_id", p.keyId());
                body.put("groups", p.groups());
                body.put("source", p.source());
                return HttpResponse.ok(body);
            })
            .orElseGet(() -> HttpResponse.status(io.micronaut.http.HttpStatus.UNAUTHORIZED).body(Map.of("known", false)));
    }
}
