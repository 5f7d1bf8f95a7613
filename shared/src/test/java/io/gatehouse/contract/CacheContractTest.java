package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.sun.net.httpserver.HttpExchange;
import io.gatehouse.testing.TestServices;
import io.gatehouse.testing.TestTokens;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The response cache ({@code cache:} on a route), the same on Netty (its buffered engine) and both
 * Lambda payloads, against a real loopback upstream that counts every call it answers and the real
 * Redis of the test run (under a key prefix of this run's own). Each test uses paths of its own, so
 * the counts it reads are its own.
 *
 * <p>Proven: a miss then a hit ({@code X-Cache}, {@code Age}) without a second upstream call, in
 * memory and in Redis, and through a second gateway instance sharing Redis; two callers (JWT
 * principals, and callers sending different credentials on an open route) never served each
 * other's response; conditional requests answered 304 from the cache ({@code If-None-Match},
 * {@code If-Modified-Since}); responses that must not be stored ({@code no-store}, {@code private},
 * {@code no-cache}, {@code max-age=0}, {@code Set-Cookie}, {@code Vary: *}, a 5xx, a body over
 * {@code max-entry-size}); a request's {@code no-store} ({@code BYPASS}), {@code no-cache} and
 * {@code only-if-cached}; {@code Vary} from the response and from the route; HEAD served from a
 * GET's entry; the query in any order as one key.
 */
public abstract class CacheContractTest extends StoredPolicyContractBase {

    private static final String LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

    /** Routes the suite's requests to the counting upstream, under {@code /mem}, {@code /redis} and {@code /jwt}. */
    protected CacheContractTest() {
        super("cache", List.of("/mem/", "/redis/", "/jwt/"));
    }

    @Override
    protected String routes(String upstreamUrl) {
        return """
            upstreams:
              svc:
                targets: ["%s"]
            routes:
              - id: cache-memory
                match: { path: "/mem/**" }
                upstream: svc
                cache: { ttl: 60s, vary: [X-Variant], max-entry-size: 1024, store: memory }
              - id: cache-redis
                match: { path: "/redis/**" }
                upstream: svc
                cache: { ttl: 60s, store: redis }
              - id: cache-jwt
                match: { path: "/jwt/**" }
                upstream: svc
                auth: jwt
                cache: { ttl: 60s }
            """.formatted(upstreamUrl);
    }

    /**
     * The upstream: {@code /<root>/<kind>/<anything>} answers by its kind, with the number of calls
     * this path and query received in the body and in {@code X-Calls}.
     */
    @Override
    protected void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String target = exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery();
        int n = called(target);
        String kind = path.split("/")[2];
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/plain");
        headers.set("X-Calls", Integer.toString(n));
        int status = 200;
        String body = "n=" + n + " " + path;
        switch (kind) {
            case "etag" -> {
                headers.set("ETag", "\"v1\"");
                headers.set("Last-Modified", LAST_MODIFIED);
            }
            case "no-store" -> headers.set("Cache-Control", "no-store");
            case "private" -> headers.set("Cache-Control", "private, max-age=600");
            case "no-cache" -> headers.set("Cache-Control", "no-cache");
            case "max-age-0" -> headers.set("Cache-Control", "max-age=0");
            case "aged" -> {
                headers.set("Cache-Control", "max-age=600");
                headers.set("Age", "100");
            }
            case "cookie" -> headers.add("Set-Cookie", "s=" + n + "; Path=/");
            case "vary-star" -> headers.set("Vary", "*");
            case "vary-language" -> {
                headers.set("Vary", "Accept-Language");
                body += " language=" + exchange.getRequestHeaders().getFirst("Accept-Language");
            }
            case "who" -> body += " authorization=" + exchange.getRequestHeaders().getFirst("Authorization");
            case "big" -> body += " " + "x".repeat(2048);
            case "error" -> status = 500;
            case "missing" -> status = 404;
            default -> {
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private int callsTo(String target) {
        int q = target.indexOf('?');
        return calls((q < 0 ? target : target.substring(0, q)) + "?" + (q < 0 ? null : target.substring(q + 1)));
    }

    private static String unique(String root, String kind) {
        return "/" + root + "/" + kind + "/" + UUID.randomUUID();
    }

    private static void assertCache(ContractResponse response, String outcome) {
        assertEquals(outcome, response.header("X-Cache").orElse(null), response.status() + " " + response.text());
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"mem", "redis"})
    void secondGet_thenHitWithAgeAndNoUpstreamCall(String root) {
        String path = unique(root, "plain");
        ContractResponse first = send(ContractRequest.get(path));
        assertEquals(200, first.status(), first.text());
        assertCache(first, "MISS");
        ContractResponse second = send(ContractRequest.get(path));
        assertEquals(200, second.status());
        assertCache(second, "HIT");
        assertEquals(first.text(), second.text());
        assertEquals("text/plain", second.mediaType());
        assertTrue(Long.parseLong(second.header("Age").orElseThrow()) >= 0, second.headers().toString());
        assertEquals(1, callsTo(path));
    }

    @Test
    void redisEntry_thenServedByAnotherInstanceOfTheGateway() {
        String path = unique("redis", "plain");
        ContractResponse stored = send(ContractRequest.get(path));
        assertCache(stored, "MISS");
        assertCache(send(ContractRequest.get(path)), "HIT");
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            ScanArgs mine = ScanArgs.Builder.matches(redisPrefix() + ":*").limit(1000);
            KeyScanCursor<String> cursor = redis.sync().scan(mine);
            List<String> keys = new ArrayList<>(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = redis.sync().scan(cursor, mine);
                keys.addAll(cursor.getKeys());
            }
            assertFalse(keys.isEmpty(), "no key under " + redisPrefix());
            long ttl = redis.sync().pttl(keys.getFirst());
            assertTrue(ttl > 0 && ttl <= 60_000, "expires with the route's ttl: " + ttl);
        } finally {
            client.shutdown();
        }
        try (GatewayTransport other = runtime().start(properties())) {
            ContractResponse shared = other.send(ContractRequest.get(path));
            assertCache(shared, "HIT");
            assertEquals(stored.text(), shared.text());
        }
        assertEquals(1, callsTo(path));
    }

    @Test
    void twoPrincipalsOnOneUrl_thenEachGetsOnlyItsOwnResponse() {
        String path = unique("jwt", "who");
        String alice = "Bearer " + token("alice");
        String bob = "Bearer " + token("bob");
        ContractResponse aliceFirst = send(ContractRequest.get(path).header("Authorization", alice));
        assertCache(aliceFirst, "MISS");
        assertTrue(aliceFirst.text().contains("authorization=" + alice), aliceFirst.text());
        ContractResponse bobFirst = send(ContractRequest.get(path).header("Authorization", bob));
        assertCache(bobFirst, "MISS");
        assertTrue(bobFirst.text().contains("authorization=" + bob), bobFirst.text());
        ContractResponse aliceAgain = send(ContractRequest.get(path).header("Authorization", alice));
        assertCache(aliceAgain, "HIT");
        assertEquals(aliceFirst.text(), aliceAgain.text());
        ContractResponse bobAgain = send(ContractRequest.get(path).header("Authorization", bob));
        assertCache(bobAgain, "HIT");
        assertEquals(bobFirst.text(), bobAgain.text());
        assertEquals(2, callsTo(path));
        assertEquals(401, send(ContractRequest.get(path)).status(), "an anonymous caller is not served a cached response");
    }

    @Test
    void anotherTokenOfTheSamePrincipal_thenItsEntryIsShared() {
        String path = unique("jwt", "who");
        String first = token(TestTokens.claims("carol").claim("n", 1).build());
        String second = token(TestTokens.claims("carol").claim("n", 2).build());
        assertCache(send(ContractRequest.get(path).header("Authorization", "Bearer " + first)), "MISS");
        assertCache(send(ContractRequest.get(path).header("Authorization", "Bearer " + second)), "HIT");
    }

    @Test
    void credentialsOnAnOpenRoute_thenScopedToThoseCredentials() {
        String path = unique("mem", "who");
        ContractResponse anonymous = send(ContractRequest.get(path));
        assertCache(anonymous, "MISS");
        ContractResponse withToken = send(ContractRequest.get(path).header("Authorization", "Bearer one"));
        assertCache(withToken, "MISS");
        assertTrue(withToken.text().contains("authorization=Bearer one"), withToken.text());
        ContractResponse otherToken = send(ContractRequest.get(path).header("Authorization", "Bearer two"));
        assertCache(otherToken, "MISS");
        assertTrue(otherToken.text().contains("authorization=Bearer two"), otherToken.text());
        ContractResponse withCookie = send(ContractRequest.get(path).cookie("session=abc"));
        assertCache(withCookie, "MISS");
        ContractResponse withApiKey = send(ContractRequest.get(path).header("X-API-Key", "gh_whatever"));
        assertCache(withApiKey, "MISS");
        assertCache(send(ContractRequest.get(path).header("Authorization", "Bearer one")), "HIT");
        assertCache(send(ContractRequest.get(path)), "HIT");
        assertEquals(5, callsTo(path));
    }

    @Test
    void ifNoneMatch_then304FromTheCacheWhenItMatches() {
        String path = unique("mem", "etag");
        assertCache(send(ContractRequest.get(path)), "MISS");
        for (String tag : List.of("\"v1\"", "W/\"v1\"", "\"other\", \"v1\"", "*")) {
            ContractResponse notModified = send(ContractRequest.get(path).header("If-None-Match", tag));
            assertEquals(304, notModified.status(), tag);
            assertCache(notModified, "HIT");
            assertEquals("\"v1\"", notModified.header("ETag").orElse(null));
            assertEquals(0, notModified.body().length);
        }
        ContractResponse changed = send(ContractRequest.get(path).header("If-None-Match", "\"v0\""));
        assertEquals(200, changed.status());
        assertCache(changed, "HIT");
        assertEquals(1, callsTo(path));
    }

    @Test
    void ifModifiedSince_then304WhenNotModifiedSince() {
        String path = unique("redis", "etag");
        assertCache(send(ContractRequest.get(path)), "MISS");
        ContractResponse notModified = send(ContractRequest.get(path).header("If-Modified-Since", "Thu, 22 Oct 2015 07:28:00 GMT"));
        assertEquals(304, notModified.status());
        assertCache(notModified, "HIT");
        assertEquals(LAST_MODIFIED, notModified.header("Last-Modified").orElse(null));
        ContractResponse modified = send(ContractRequest.get(path).header("If-Modified-Since", "Tue, 20 Oct 2015 07:28:00 GMT"));
        assertEquals(200, modified.status());
        assertCache(modified, "HIT");
        assertEquals(1, callsTo(path));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no-store", "private", "no-cache", "max-age-0", "cookie", "vary-star", "error", "big"})
    void responseThatMustNotBeStored_thenEveryRequestReachesTheUpstream(String kind) {
        String path = unique("mem", kind);
        for (int i = 1; i <= 2; i++) {
            ContractResponse response = send(ContractRequest.get(path));
            assertCache(response, "MISS");
            assertEquals(Integer.toString(i), response.header("X-Calls").orElse(null));
        }
        assertEquals(2, callsTo(path));
    }

    @Test
    void notFound_thenCachedLikeAnyCacheableStatus() {
        String path = unique("mem", "missing");
        assertEquals(404, send(ContractRequest.get(path)).status());
        ContractResponse again = send(ContractRequest.get(path));
        assertEquals(404, again.status());
        assertCache(again, "HIT");
        assertEquals(1, callsTo(path));
    }

    @Test
    void ageFromTheUpstream_thenCarriedOn() {
        String path = unique("mem", "aged");
        send(ContractRequest.get(path));
        ContractResponse hit = send(ContractRequest.get(path));
        assertCache(hit, "HIT");
        assertTrue(Long.parseLong(hit.header("Age").orElseThrow()) >= 100, hit.headers().toString());
        ContractResponse tooOld = send(ContractRequest.get(path).header("Cache-Control", "max-age=50"));
        assertCache(tooOld, "MISS");
        assertEquals(2, callsTo(path));
    }

    @Test
    void requestNoStore_thenBypassedAndNothingStored() {
        String path = unique("redis", "plain");
        ContractResponse bypassed = send(ContractRequest.get(path).header("Cache-Control", "no-store"));
        assertCache(bypassed, "BYPASS");
        assertCache(send(ContractRequest.get(path)), "MISS");
        assertEquals(2, callsTo(path));
    }

    @Test
    void requestNoCache_thenUpstreamAskedAndEntryRefreshed() {
        String path = unique("mem", "plain");
        assertCache(send(ContractRequest.get(path)), "MISS");
        ContractResponse refreshed = send(ContractRequest.get(path).header("Cache-Control", "no-cache"));
        assertCache(refreshed, "MISS");
        assertEquals("2", refreshed.header("X-Calls").orElse(null));
        ContractResponse hit = send(ContractRequest.get(path));
        assertCache(hit, "HIT");
        assertEquals(refreshed.text(), hit.text());
        assertCache(send(ContractRequest.get(path).header("Pragma", "no-cache")), "MISS");
        assertEquals(3, callsTo(path));
    }

    @Test
    void onlyIfCachedWithoutAnEntry_then504AndNoUpstreamCall() {
        String path = unique("mem", "plain");
        ContractResponse refused = send(ContractRequest.get(path).header("Cache-Control", "only-if-cached"));
        assertEquals("not_cached", assertEnvelope(refused, 504, "gateway_timeout").get("details").get("reason").getStringValue());
        assertEquals(0, callsTo(path));
        send(ContractRequest.get(path));
        assertCache(send(ContractRequest.get(path).header("Cache-Control", "only-if-cached")), "HIT");
    }

    @Test
    void responseVary_thenEachVariantKeptApartAndTheLatestServed() {
        String path = unique("mem", "vary-language");
        ContractResponse english = send(ContractRequest.get(path).header("Accept-Language", "en"));
        assertCache(english, "MISS");
        assertCache(send(ContractRequest.get(path).header("Accept-Language", "en")), "HIT");
        ContractResponse german = send(ContractRequest.get(path).header("Accept-Language", "de"));
        assertCache(german, "MISS");
        assertTrue(german.text().contains("language=de"), german.text());
        ContractResponse germanAgain = send(ContractRequest.get(path).header("Accept-Language", "de"));
        assertCache(germanAgain, "HIT");
        assertEquals(german.text(), germanAgain.text());
        assertEquals(2, callsTo(path));
    }

    @Test
    void routeVary_thenEachValueHasItsOwnEntry() {
        String path = unique("mem", "plain");
        ContractResponse a = send(ContractRequest.get(path).header("X-Variant", "a"));
        ContractResponse b = send(ContractRequest.get(path).header("X-Variant", "b"));
        assertCache(a, "MISS");
        assertCache(b, "MISS");
        assertNotEquals(a.text(), b.text());
        ContractResponse aAgain = send(ContractRequest.get(path).header("X-Variant", "a"));
        assertCache(aAgain, "HIT");
        assertEquals(a.text(), aAgain.text());
        assertCache(send(ContractRequest.get(path).header("X-Variant", "b")), "HIT");
        assertEquals(2, callsTo(path));
    }

    @Test
    void head_thenServedFromTheGetEntryWithoutBody() {
        String path = unique("redis", "plain");
        ContractResponse headFirst = send(ContractRequest.of("HEAD", path));
        assertCache(headFirst, "MISS");
        assertCache(send(ContractRequest.get(path)), "MISS");
        ContractResponse head = send(ContractRequest.of("HEAD", path));
        assertEquals(200, head.status());
        assertCache(head, "HIT");
        assertEquals(0, head.body().length);
        assertEquals(2, callsTo(path));
    }

    @Test
    void queryInAnotherOrder_thenTheSameEntry() {
        String path = unique("mem", "plain");
        assertCache(send(ContractRequest.get(path + "?b=2&a=1&a=0")), "MISS");
        assertCache(send(ContractRequest.get(path + "?a=1&a=0&b=2")), "HIT");
        assertCache(send(ContractRequest.get(path + "?a=0&a=1&b=2")), "MISS");
    }

    @Test
    void post_thenNeitherLookedUpNorStored() {
        String path = unique("mem", "plain");
        ContractResponse post = send(ContractRequest.of("POST", path).body("text/plain", "x"));
        assertEquals(200, post.status());
        assertTrue(post.header("X-Cache").isEmpty(), post.headers().toString());
        assertCache(send(ContractRequest.get(path)), "MISS");
    }

    private static String token(String subject) {
        return token(TestTokens.claims(subject).build());
    }

    private static String token(com.nimbusds.jwt.JWTClaimsSet claims) {
        return TestTokens.hmac(claims, JWSAlgorithm.HS256);
    }
}
