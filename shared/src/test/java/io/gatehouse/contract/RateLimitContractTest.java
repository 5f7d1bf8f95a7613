package io.gatehouse.contract;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.identity.Secrets;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.TestUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits and plans, the same on Netty and both Lambda payloads, counted in the real Redis
 * (a key prefix of the suite's own): the headers on every response of a limited route, the 429
 * envelope with {@code Retry-After} and details naming the limit, limits by client address with
 * untrusted and trusted {@code X-Forwarded-For}, by API-key consumer, a consumer's plan (declared
 * and set through {@code /admin/consumers}), a JWT caller's plan by claim and by group, several
 * windows at once, and a consumer's usage in the admin API.
 *
 * <p>Windows are long (an hour, a day) where a test counts exactly, so refill during a run cannot
 * change a count; each test uses its own route or caller, so tests do not share a budget.
 */
public abstract class RateLimitContractTest extends IdentityContractSupport {

    private static final String PARTNER_KEY = "gh_partner_limits-key-0123456789abcdef";
    private static final String OTHER_KEY = "gh_other_limits-key-0123456789abcdef";
    private static final String METER_KEY = "gh_meter_limits-key-0123456789abcdef";

    private final TestUpstream upstream = TestUpstream.start();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> properties = super.properties();
        properties.put("gateway.config-file", definitionFile(definition()).toString());
        properties.put("gateway.jwt.secret", TestTokens.SECRET);
        properties.put("gateway.jwt.issuers", List.of(TestTokens.ISSUER));
        properties.put("gateway.rate-limit.redis-prefix", "test:" + schema().name() + ":rl");
        // Counts here must come from Redis: a busy build machine must not push a call past the timeout into the local fallback.
        properties.put("gateway.rate-limit.store-timeout", "10s");
        return properties;
    }

    @AfterAll
    void stopUpstream() {
        upstream.close();
    }

    private String definition() {
        return """
            upstreams:
              svc: { targets: ["%s"] }
            plans:
              gold:
                limits:
                  - { requests: 3, per: minute }
                  - { requests: 5, per: hour }
              silver:
                limits:
                  - { requests: 1, per: hour }
            plans-by:
              claim: plan
              groups: { partners: gold }
            consumers:
              partner: { plan: gold, keys: [ { id: partner-1, sha256: %s } ] }
              other: { plan: silver, keys: [ { id: other-1, sha256: %s } ] }
              meter: { plan: gold, keys: [ { id: meter-1, sha256: %s } ] }
            routes:
              - id: by-ip
                match: { path: "/by-ip/**" }
                upstream: svc
                limits: [ { by: ip, requests: 3, per: minute } ]
              - id: by-ip-forwarded
                match: { path: "/by-ip-forwarded/**" }
                upstream: svc
                limits: [ { by: ip, requests: 2, per: hour } ]
              - id: by-consumer
                match: { path: "/by-consumer/**" }
                upstream: svc
                auth: api-key
                limits: [ { by: consumer, requests: 2, per: hour } ]
              - id: plan-key
                match: { path: "/plan-key/**" }
                upstream: svc
                auth: api-key
                limits: [ { plan: true } ]
              - id: open-key
                match: { path: "/open-key/**" }
                upstream: svc
                auth: api-key
              - id: plan-jwt
                match: { path: "/plan-jwt/**" }
                upstream: svc
                auth: jwt
                limits: [ { plan: true } ]
              - id: windows
                match: { path: "/windows/**" }
                upstream: svc
                limits:
                  - { by: ip, requests: 10, per: minute }
                  - { by: ip, requests: 4, per: day }
              - id: unlimited
                match: { path: "/unlimited/**" }
                upstream: svc
            """.formatted(upstream.url(), Secrets.sha256(PARTNER_KEY), Secrets.sha256(OTHER_KEY), Secrets.sha256(METER_KEY));
    }

    private static ContractRequest withKey(String path, String key) {
        return ContractRequest.get(path).header("X-API-Key", key);
    }

    private static ContractRequest withToken(String path, JWTClaimsSet claims) {
        return ContractRequest.get(path).header("Authorization", "Bearer " + TestTokens.hmac(claims, JWSAlgorithm.HS256));
    }

    private static void assertAdmitted(ContractResponse response) {
        assertEquals(200, response.status(), response.text());
        assertEquals("upstream ok", response.text());
    }

    private static String header(ContractResponse response, String name) {
        return response.header(name).orElseThrow(() -> new AssertionError("no " + name + " in " + response.headers()));
    }

    private static JsonNode assertLimited(ContractResponse response) {
        JsonNode error = assertEnvelope(response, 429, "rate_limited");
        long retryAfter = Long.parseLong(header(response, "Retry-After"));
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        assertEquals(retryAfter, error.get("details").get("retry_after").getLongValue());
        assertEquals("0", header(response, "RateLimit-Remaining"));
        return error.get("details");
    }

    @Test
    void limitedRoute_thenHeadersOnEveryResponseAnd429WithRetryAfter() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            ContractResponse response = send(ContractRequest.get("/by-ip/x"));
            assertAdmitted(response);
            assertEquals("3", header(response, "RateLimit-Limit"));
            assertEquals(Integer.toString(remaining), header(response, "RateLimit-Remaining"));
            assertTrue(Long.parseLong(header(response, "RateLimit-Reset")) >= 1, response.headers().toString());
            assertEquals("3", header(response, "X-RateLimit-Limit-Minute"));
            assertEquals(Integer.toString(remaining), header(response, "X-RateLimit-Remaining-Minute"));
            assertTrue(response.header("X-RateLimit-Limit-Hour").isEmpty(), "only the route's window: " + response.headers());
        }
        ContractResponse refused = send(ContractRequest.get("/by-ip/x"));
        JsonNode details = assertLimited(refused);
        assertEquals(3, details.get("limit").getIntValue());
        assertEquals("minute", details.get("window").getStringValue());
        assertEquals("ip", details.get("by").getStringValue());
        assertEquals("3", header(refused, "X-RateLimit-Limit-Minute"));
        assertEquals("0", header(refused, "X-RateLimit-Remaining-Minute"));
        assertEquals(1, refused.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("RateLimit-Limit"))
            .mapToInt(e -> e.getValue().size()).sum(), "one RateLimit-Limit: " + refused.headers());
    }

    @Test
    void routeWithoutLimits_thenNoRateLimitHeaders() {
        ContractResponse response = send(ContractRequest.get("/unlimited/x"));
        assertAdmitted(response);
        assertTrue(response.header("RateLimit-Limit").isEmpty(), response.headers().toString());
    }

    @Test
    void untrustedForwardedFor_thenOneBudgetWhateverTheClientClaims() {
        assertAdmitted(send(ContractRequest.get("/by-ip-forwarded/x").header("X-Forwarded-For", "198.51.100.1")));
        assertAdmitted(send(ContractRequest.get("/by-ip-forwarded/x").header("X-Forwarded-For", "198.51.100.2")));
        assertLimited(send(ContractRequest.get("/by-ip-forwarded/x").header("X-Forwarded-For", "198.51.100.3")));
    }

    @Test
    void trustedForwardedFor_thenTheEntryTheTrustedProxyAppendedIsTheClient() throws Exception {
        Map<String, Object> trusted = new HashMap<>(properties());
        trusted.put("gateway.proxy.trust-forwarded-headers", true);
        trusted.put("gateway.rate-limit.redis-prefix", "test:" + schema().name() + ":rl-trusted");
        try (GatewayTransport behindProxy = runtime().start(trusted)) {
            // What the client wrote before the proxy's entry changes every time, and buys nothing.
            for (String forged : List.of("10.9.9.1", "10.9.9.2")) {
                assertAdmitted(behindProxy.send(ContractRequest.get("/by-ip-forwarded/x")
                    .header("X-Forwarded-For", forged + ", 198.51.100.1")));
            }
            assertLimited(behindProxy.send(ContractRequest.get("/by-ip-forwarded/x")
                .header("X-Forwarded-For", "10.9.9.3, 198.51.100.1")));
            ContractResponse another = behindProxy.send(ContractRequest.get("/by-ip-forwarded/x")
                .header("X-Forwarded-For", "198.51.100.2"));
            if (appendsSourceIp()) {
                // API Gateway appends the address it saw (sourceIp), always the same in these events: one client.
                assertLimited(another);
            } else {
                assertAdmitted(another);
            }
        }
    }

    /** Both Lambda runners' events carry API Gateway's own X-Forwarded-For entry, the sourceIp. */
    private boolean appendsSourceIp() {
        return !runtime().name().toLowerCase(java.util.Locale.ROOT).contains("netty");
    }

    @Test
    void perConsumer_thenEachApiKeyItsOwnBudget() {
        assertAdmitted(send(withKey("/by-consumer/x", PARTNER_KEY)));
        assertAdmitted(send(withKey("/by-consumer/x", PARTNER_KEY)));
        JsonNode details = assertLimited(send(withKey("/by-consumer/x", PARTNER_KEY)));
        assertEquals("consumer", details.get("by").getStringValue());
        ContractResponse other = send(withKey("/by-consumer/x", OTHER_KEY));
        assertAdmitted(other);
        assertEquals("1", header(other, "RateLimit-Remaining"));
    }

    @Test
    void planFromConsumer_thenEveryWindowOfThePlanInTheHeaders() {
        ContractResponse response = send(withKey("/plan-key/x", PARTNER_KEY));
        assertAdmitted(response);
        assertEquals("3", header(response, "X-RateLimit-Limit-Minute"));
        assertEquals("2", header(response, "X-RateLimit-Remaining-Minute"));
        assertEquals("5", header(response, "X-RateLimit-Limit-Hour"));
        assertEquals("4", header(response, "X-RateLimit-Remaining-Hour"));
        assertEquals("3", header(response, "RateLimit-Limit"), "the window closest to exhaustion");
        assertEquals("2", header(response, "RateLimit-Remaining"));

        assertAdmitted(send(withKey("/plan-key/x", OTHER_KEY)));
        JsonNode details = assertLimited(send(withKey("/plan-key/x", OTHER_KEY)));
        assertEquals("silver", details.get("plan").getStringValue());
        assertEquals("hour", details.get("window").getStringValue());
        assertEquals(1, details.get("limit").getIntValue());
    }

    @Test
    void planFromJwtClaimOrGroup_thenThatPlansLimits() {
        JWTClaimsSet silver = TestTokens.claims("claimed-" + run).claim("plan", "silver").build();
        ContractResponse first = send(withToken("/plan-jwt/x", silver));
        assertAdmitted(first);
        assertEquals("1", header(first, "X-RateLimit-Limit-Hour"));
        assertEquals("silver", assertLimited(send(withToken("/plan-jwt/x", silver))).get("plan").getStringValue());

        JWTClaimsSet partner = TestTokens.claims("grouped-" + run).claim("groups", List.of("partners")).build();
        ContractResponse grouped = send(withToken("/plan-jwt/x", partner));
        assertAdmitted(grouped);
        assertEquals("3", header(grouped, "X-RateLimit-Limit-Minute"));
        assertEquals("5", header(grouped, "X-RateLimit-Limit-Hour"));

        ContractResponse planless = send(withToken("/plan-jwt/x", TestTokens.claims("planless-" + run).build()));
        assertAdmitted(planless);
        assertTrue(planless.header("RateLimit-Limit").isEmpty(), "no plan, no limit: " + planless.headers());
    }

    @Test
    void severalWindows_thenTheClosestToExhaustionLeadsAndTheDayRefuses() {
        for (int i = 1; i <= 4; i++) {
            ContractResponse response = send(ContractRequest.get("/windows/x"));
            assertAdmitted(response);
            assertEquals("10", header(response, "X-RateLimit-Limit-Minute"));
            assertEquals(Integer.toString(10 - i), header(response, "X-RateLimit-Remaining-Minute"));
            assertEquals("4", header(response, "X-RateLimit-Limit-Day"));
            assertEquals(Integer.toString(4 - i), header(response, "X-RateLimit-Remaining-Day"));
            assertEquals("4", header(response, "RateLimit-Limit"));
            assertEquals(Integer.toString(4 - i), header(response, "RateLimit-Remaining"));
        }
        JsonNode details = assertLimited(send(ContractRequest.get("/windows/x")));
        assertEquals("day", details.get("window").getStringValue());
    }

    @Test
    void consumerUsage_thenTheAdminApiShowsWhatIsLeft() {
        assertAdmitted(send(withKey("/plan-key/x", METER_KEY)));
        assertAdmitted(send(withKey("/plan-key/x", METER_KEY)));
        ContractResponse usage = send(admin(ContractRequest.get("/admin/consumers/meter/usage")));
        assertEquals(200, usage.status(), usage.text());
        JsonNode body = usage.json();
        assertEquals("meter", body.get("consumer").getStringValue());
        assertEquals("gold", body.get("plan").getStringValue());
        assertEquals("redis", body.get("store").getStringValue());
        JsonNode minute = body.get("limits").get(0);
        assertEquals("minute", minute.get("per").getStringValue());
        assertEquals(1, minute.get("remaining").getLongValue());
        JsonNode hour = body.get("limits").get(1);
        assertEquals(3, hour.get("remaining").getLongValue());
        assertTrue(hour.get("reset").getLongValue() >= 1, usage.text());
        ContractResponse shown = send(admin(ContractRequest.get("/admin/consumers/meter")));
        assertEquals("gold", shown.json().get("plan").getStringValue(), shown.text());
    }

    @Test
    void consumerPlanThroughTheAdminApi_thenAppliedAndChangedWithoutRestart() {
        String name = "api-plan-" + run;
        ContractResponse created = send(adminJson("POST", "/admin/consumers",
            "{\"name\":\"" + name + "\",\"groups\":[],\"plan\":\"silver\"}"));
        assertEquals(201, created.status(), created.text());
        assertEquals("silver", created.json().get("plan").getStringValue());
        ContractResponse keyed = send(adminJson("POST", "/admin/consumers/" + name + "/keys", "{}"));
        assertEquals(201, keyed.status(), keyed.text());
        String key = keyed.json().get("key").getStringValue();
        assertTrue(millisUntil(() -> send(withKey("/open-key/x", key)).status() == 200, 5000) >= 0, "the key was never recognised");

        assertAdmitted(send(withKey("/plan-key/x", key)));
        assertEquals("silver", assertLimited(send(withKey("/plan-key/x", key))).get("plan").getStringValue());

        ContractResponse unknown = send(adminJson("PATCH", "/admin/consumers/" + name, "{\"plan\":\"platinum\"}"));
        assertEnvelope(unknown, 400, "validation_failed");
        assertTrue(unknown.text().contains("unknown plan 'platinum'"), unknown.text());

        ContractResponse patched = send(adminJson("PATCH", "/admin/consumers/" + name, "{\"plan\":\"gold\"}"));
        assertEquals(200, patched.status(), patched.text());
        assertEquals("gold", patched.json().get("plan").getStringValue());
        // Refused requests take nothing from a budget: polling until the new plan applies costs its budget one request.
        assertTrue(millisUntil(() -> send(withKey("/plan-key/x", key)).status() == 200, 5000) >= 0, "the new plan never applied");
        ContractResponse gold = send(withKey("/plan-key/x", key));
        assertAdmitted(gold);
        assertEquals("3", header(gold, "X-RateLimit-Limit-Minute"));
        assertEquals("1", header(gold, "X-RateLimit-Remaining-Minute"));

        ContractResponse cleared = send(adminJson("PATCH", "/admin/consumers/" + name, "{\"plan\":\"\"}"));
        assertEquals(200, cleared.status(), cleared.text());
        assertFalse(cleared.text().contains("\"plan\""), cleared.text());
    }

    @Test
    void plansThroughTheAdminApi_thenCreatedChangedRefusedByKeyAndDeletedWithoutRestart() {
        String plan = "bronze-" + run;
        JWTClaimsSet caller = TestTokens.claims("bronze-caller-" + run).claim("plan", plan).build();
        assertTrue(send(withToken("/plan-jwt/x", caller)).header("RateLimit-Limit").isEmpty(), "no such plan yet");

        ContractResponse created = send(adminJson("PUT", "/admin/plans/" + plan, "{\"limits\":[{\"requests\":2,\"per\":\"hour\"}]}"));
        assertEquals(201, created.status(), created.text());
        ContractResponse first = send(withToken("/plan-jwt/x", caller));
        assertAdmitted(first);
        assertEquals("2", header(first, "X-RateLimit-Limit-Hour"));
        assertEquals("1", header(first, "X-RateLimit-Remaining-Hour"));
        ContractResponse listed = send(admin(ContractRequest.get("/admin/plans")));
        assertTrue(listed.text().contains(plan), listed.text());

        ContractResponse changed = send(adminJson("PUT", "/admin/plans/" + plan, "{\"limits\":[{\"requests\":7,\"per\":\"day\"}]}"));
        assertEquals(200, changed.status(), changed.text());
        ContractResponse daily = send(withToken("/plan-jwt/x", caller));
        assertAdmitted(daily);
        assertEquals("7", header(daily, "X-RateLimit-Limit-Day"));
        assertTrue(daily.header("X-RateLimit-Limit-Hour").isEmpty(), daily.headers().toString());

        ContractResponse refused = send(adminJson("PUT", "/admin/plans/" + plan, "{\"limits\":[{\"requests\":7,\"per\":\"fortnight\"}]}"));
        JsonNode problem = assertEnvelope(refused, 400, "validation_failed").get("details").get("problems").get(0);
        assertEquals("limits[0].per", problem.get("path").getStringValue(), refused.text());
        assertEquals("must be one of second, minute, hour, day, not 'fortnight'", problem.get("message").getStringValue());
        assertEquals("7", header(send(withToken("/plan-jwt/x", caller)), "X-RateLimit-Limit-Day"), "the plan in force stays");

        String consumer = "on-" + plan;
        assertEquals(201, send(adminJson("POST", "/admin/consumers",
            "{\"name\":\"" + consumer + "\",\"groups\":[],\"plan\":\"" + plan + "\"}")).status());
        ContractResponse inUse = send(admin(ContractRequest.of("DELETE", "/admin/plans/" + plan)));
        JsonNode conflict = assertEnvelope(inUse, 409, "conflict").get("details");
        assertEquals(consumer, conflict.get("consumers").get(0).getStringValue(), inUse.text());
        assertEquals("7", header(send(withToken("/plan-jwt/x", caller)), "X-RateLimit-Limit-Day"), "the plan in use stays");
        assertEquals(200, send(adminJson("PATCH", "/admin/consumers/" + consumer, "{\"plan\":\"\"}")).status());

        assertEquals(204, send(admin(ContractRequest.of("DELETE", "/admin/plans/" + plan))).status());
        assertTrue(send(withToken("/plan-jwt/x", caller)).header("RateLimit-Limit").isEmpty(), "the plan is gone");
    }
}
