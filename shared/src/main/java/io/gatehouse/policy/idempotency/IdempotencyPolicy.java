package io.gatehouse.policy.idempotency;

import io.gatehouse.config.ConfigNode;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.apikey.ApiKeyConfiguration;
import io.gatehouse.policy.Phase;
import io.gatehouse.policy.PolicyExchange;
import io.gatehouse.policy.PolicyResult;
import io.gatehouse.policy.PolicyStep;
import io.gatehouse.policy.ResponseHead;
import io.gatehouse.policy.store.PolicyRedis;
import io.gatehouse.policy.store.PolicyStore;
import io.gatehouse.policy.store.RequestKeys;
import io.gatehouse.policy.store.StoredPolicy;
import io.gatehouse.policy.store.StoredResponse;
import io.gatehouse.route.CompiledRoute;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteDefinition;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.StringUtils;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code Idempotency-Key} on the POST and PATCH requests of routes with an {@code idempotency}
 * section ({@link Phase#CACHE_LOOKUP}), after the IETF draft "The Idempotency-Key HTTP Header Field":
 * <ul>
 *   <li>The first request with a key takes it atomically (a lock in the store) and goes on; its
 *       response is stored in place of the lock, for the route's {@code ttl} (24 h by default).</li>
 *   <li>A retry with the same key and the same request (method, path, query and body hash) is
 *       answered with the stored response, marked {@code Idempotent-Replayed: true}, without the
 *       upstream.</li>
 *   <li>The same key with another request: 422 {@code unprocessable_content}, reason
 *       {@code idempotency_key_reused}.</li>
 *   <li>The same key while the first request is still in flight: 409 {@code conflict}, reason
 *       {@code idempotency_key_in_flight}, with {@code Retry-After: 1}; it does not wait. Of any
 *       number of concurrent duplicates, exactly one reaches the upstream.</li>
 *   <li>A 5xx (the upstream's or the gateway's), or a response whose body the gateway did not
 *       produce as bytes (a refusal of a later step), is not stored: the lock is removed, and a
 *       retry reaches the upstream again.</li>
 *   <li>Keys are scoped per route and per caller ({@link RequestKeys#callerScope}): two callers
 *       using the same key never see each other's responses.</li>
 *   <li>Without a key the request goes on unprotected, or is refused 400 when the route says
 *       {@code required: true}; a malformed key is refused 400.</li>
 *   <li>When the store cannot be reached, a request with a key is refused 503
 *       ({@code reason: idempotency_store_unavailable}, {@code Retry-After}) rather than risk a
 *       second upstream call.</li>
 * </ul>
 * The lock lives as long as the buffered engine can take on the route (every connect attempt its
 * {@code retries} allow, the waits between them, the response timeout), plus
 * {@value #LOCK_GRACE_SECONDS} s: if the instance holding it dies, the key frees itself.
 */
@Singleton
@Requires(property = IdempotencyConfiguration.PREFIX + ".enabled", notEquals = StringUtils.FALSE)
final class IdempotencyPolicy extends StoredPolicy<IdempotencyRule> {

    private static final String HEADER = IdempotencyKeys.HEADER;
    private static final String REPLAYED = IdempotencyKeys.REPLAYED;

    /** What a lock outlives the route's timeouts by. */
    static final int LOCK_GRACE_SECONDS = 10;

    private static final String ATTRIBUTE = "gatehouse.idempotency";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyPolicy.class);

    /**
     * The key this request took.
     *
     * @param key         the store key
     * @param lock        the lock's bytes, to replace or remove exactly it
     * @param fingerprint the request's fingerprint
     */
    private record Claim(String key, byte[] lock, byte[] fingerprint) {
    }

    IdempotencyPolicy(IdempotencyConfiguration configuration, PolicyRedis redis, ApiKeyConfiguration apiKeys) {
        super(IdempotencyRule.KEY, configuration, redis, apiKeys, "idempotency records");
    }

    @Override
    public int getOrder() {
        // Before the response cache: the two never apply to the same method, but the order is fixed.
        return -100;
    }

    @Override
    protected IdempotencyRule parse(ConfigNode route, RouteDefinition.Match match) {
        return IdempotencyRule.parse(route, match);
    }

    @Override
    protected PolicyStep step(CompiledRoute route, IdempotencyRule rule, PolicyStore store) {
        // As long as the buffered engine can take: every connect attempt (a POST is retried only when
        // its connection was refused), the waits between them, and the response.
        RouteDefinition.Timeouts timeouts = route.definition().timeouts();
        RouteDefinition.Retries retries = route.definition().retries();
        Duration lock = timeouts.connect().multipliedBy(retries.attempts() + 1L)
            .plus(retries.maxBackoff().multipliedBy(retries.attempts()))
            .plus(timeouts.response()).plusSeconds(LOCK_GRACE_SECONDS);
        return new KeyStep(route.id(), rule, store, lock);
    }

    private final class KeyStep extends Step<IdempotencyRule> {

        private final Duration lockTtl;

        KeyStep(String routeId, IdempotencyRule rule, PolicyStore store, Duration lockTtl) {
            super(routeId, rule, store);
            this.lockTtl = lockTtl;
        }

        @Override
        public boolean needsRequestBody() {
            return true;
        }

        @Override
        public CompletionStage<PolicyResult> request(PolicyExchange exchange) {
            RequestView request = exchange.request();
            String method = request.method();
            if (!"POST".equals(method) && !"PATCH".equals(method)) {
                return PolicyResult.PROCEED_STAGE;
            }
            List<String> values = request.headers(HEADER);
            if (values.isEmpty()) {
                if (rule.required()) {
                    throw refusal(ErrorCode.BAD_REQUEST, "This route needs an " + HEADER + " header on " + method + " requests.",
                        "idempotency_key_missing");
                }
                return PolicyResult.PROCEED_STAGE;
            }
            String key = IdempotencyKeys.of(values);
            if (key == null) {
                throw refusal(ErrorCode.BAD_REQUEST, IdempotencyKeys.INVALID, IdempotencyKeys.INVALID_REASON);
            }
            String storeKey = RequestKeys.sha256Hex("v1\n" + routeId + "\n" + callerScope(exchange)
                + "\n" + key);
            byte[] body = exchange.requestBody();
            byte[] fingerprint = RequestKeys.sha256(method.getBytes(StandardCharsets.US_ASCII),
                (request.path() + "?" + RequestKeys.canonicalQuery(request)).getBytes(StandardCharsets.UTF_8),
                body == null ? new byte[0] : body);
            byte[] lock = IdempotencyRecord.inFlight(fingerprint).encode();
            return store.putIfAbsent(storeKey, lock, lockTtl).handle((held, error) -> {
                if (error != null) {
                    throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
                        "The store of idempotency records does not answer; the request was not forwarded.",
                        Map.of("reason", "idempotency_store_unavailable", "route", routeId), Map.of("Retry-After", "1"));
                }
                if (held == null) {
                    exchange.attribute(ATTRIBUTE, new Claim(storeKey, lock, fingerprint));
                    return PolicyResult.PROCEED;
                }
                return existing(held, fingerprint);
            });
        }

        private PolicyResult existing(byte[] held, byte[] fingerprint) {
            IdempotencyRecord record = IdempotencyRecord.decode(held);
            if (record == null) {
                throw new GatewayException(ErrorCode.INTERNAL_ERROR, "The stored idempotency record cannot be read.");
            }
            if (!Arrays.equals(record.fingerprint(), fingerprint)) {
                throw refusal(ErrorCode.UNPROCESSABLE_CONTENT, "This " + HEADER + " was already used with a different request.",
                    "idempotency_key_reused");
            }
            if (record.inFlight()) {
                throw new GatewayException(ErrorCode.CONFLICT, "A request with this " + HEADER + " is still in progress; retry later.",
                    Map.of("reason", "idempotency_key_in_flight", "route", routeId), Map.of("Retry-After", "1"));
            }
            StoredResponse stored = record.response();
            List<Map.Entry<String, String>> headers = new ArrayList<>(stored.headers().size() + 1);
            headers.addAll(stored.headers());
            headers.add(Map.entry(REPLAYED, "true"));
            return new PolicyResult.Respond(stored.status(), headers, stored.body());
        }

        private GatewayException refusal(ErrorCode code, String message, String reason) {
            return new GatewayException(code, message, Map.of("reason", reason, "route", routeId, "header", HEADER), Map.of());
        }

        @Override
        public void response(PolicyExchange exchange, ResponseHead response) {
            if (!(exchange.attribute(ATTRIBUTE) instanceof Claim claim)) {
                return;
            }
            byte[] body = response.body();
            CompletionStage<Boolean> done;
            if (response.status() >= 500 || body == null) {
                // Not kept: the key is free again, so a retry reaches the upstream.
                done = store.remove(claim.key(), claim.lock());
            } else {
                byte[] record = IdempotencyRecord.completed(claim.fingerprint(), StoredResponse.of(response, body)).encode();
                done = store.replace(claim.key(), claim.lock(), record, rule.ttl());
            }
            done.whenComplete((changed, error) -> {
                if (error == null && !changed) {
                    LOG.warn("Route {}: the idempotency lock expired before the response came back; it is not kept", routeId);
                }
            });
        }
    }
}
