package io.gatehouse.security;

import com.nimbusds.jose.JWSAlgorithm;
import io.gatehouse.config.DefinitionException;
import io.gatehouse.definition.GatewayDefinition;
import io.gatehouse.error.GatewayException;
import io.gatehouse.route.RequestView;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteTable;
import io.gatehouse.security.jwt.JwtAuthenticator;
import io.gatehouse.testing.TestTokens;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RouteAccess} on routes read from YAML, with the real JWT authenticator: auth modes, the
 * {@code GATEWAY_REQUIRE_AUTH} default, claim rules against path variables, required claims,
 * roles and scopes, forwarded claim headers, and load-time validation of the policy keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteAccessTest {

    private static final String ROUTES = """
        upstreams:
          svc: { targets: ["http://127.0.0.1:9"] }
        routes:
          - id: projects
            match: { path: "/p/{project}/{service}/**" }
            upstream: svc
            auth: jwt
            claims:
              required: [sub]
              match: { project: "{project}", service: "{service}" }
              forward: { sub: X-User-Id, project: X-Project }
              strip-authorization: true
          - id: admin
            match: { path: "/admin-area/**" }
            upstream: svc
            authorization: { roles: [admin, ops], scopes: ["admin:write"] }
          - id: open
            match: { path: "/open/**" }
            upstream: svc
            auth: none
          - id: unsaid
            match: { path: "/unsaid/**" }
            upstream: svc
          - id: keyed
            match: { path: "/keyed/**" }
            upstream: svc
            auth: api-key
          - id: anything
            match: { path: "/any/**" }
            upstream: svc
            auth: any
          - id: partners
            match: { path: "/partners/**" }
            upstream: svc
            authorization: { groups: { allow: [partners, staff] } }
          - id: members
            match: { path: "/members/**" }
            upstream: svc
            authorization: { groups: { deny: [suspended] } }
          - id: acme-only
            match: { path: "/acme-only/**" }
            upstream: svc
            auth: any
            tenant: acme
          - id: per-project
            match: { path: "/t/{project}/**" }
            upstream: svc
            tenant: "tenant-{project}"
        """;

    private final ApplicationContext context = ApplicationContext.run(Map.of(
        "gateway.jwt.secret", TestTokens.SECRET,
        "gateway.jwt.issuers", List.of(TestTokens.ISSUER)));
    private final RouteTable table = new RouteTable(1, definition(ROUTES).routes(), definition(ROUTES).upstreams());
    private final RouteAccess access = context.getBean(RouteAccess.class);
    private final RouteAccess requiring = new RouteAccess(List.of(context.getBean(JwtAuthenticator.class)), requireAuth());

    @AfterAll
    void stop() {
        context.close();
    }

    @Test
    void matchingProjectAndServiceClaims_thenAdmittedWithForwardedHeaders() {
        RouteMatch match = match("/p/acme/orders/items/1");
        String token = token(Map.of("project", "acme", "service", "orders"));
        GatewayPrincipal principal = access.check(match, request("/p/acme/orders/items/1", token));
        assertEquals("alice", principal.subject());
        UpstreamIdentity identity = access.upstreamIdentity(match, principal);
        assertEquals(Map.of("X-User-Id", "alice", "X-Project", "acme"), identity.set());
        assertEquals(Set.of("x-user-id", "x-project", "authorization"), identity.remove());
        assertTrue(identity.stripAuthorization());
    }

    @ParameterizedTest(name = "{0}={1} on /p/acme/orders")
    @CsvSource({"project,other", "service,billing"})
    void claimNotMatchingThePathVariable_then403NamingTheClaim(String claim, String value) {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("project", "acme", "service", "orders"));
        claims.put(claim, value);
        GatewayException e = refused(access, "/p/acme/orders/x", token(claims));
        assertEquals(403, e.errorCode().status().getCode());
        assertEquals("forbidden", e.errorCode().code());
        assertEquals(claim, e.details().get("claim"));
        assertEquals("claim_mismatch", e.details().get("reason"));
        assertTrue(e.getMessage().contains("'" + claim + "'"), e.getMessage());
    }

    @Test
    void listClaimContainingThePathVariable_thenAdmitted() {
        String token = token(Map.of("project", List.of("other", "acme"), "service", "orders"));
        assertEquals("alice", access.check(match("/p/acme/orders/x"), request("/p/acme/orders/x", token)).subject());
    }

    @Test
    void missingClaimThatTheMatchNeeds_then403() {
        GatewayException e = refused(access, "/p/acme/orders/x", token(Map.of("service", "orders")));
        assertEquals(403, e.errorCode().status().getCode());
        assertEquals("project", e.details().get("claim"));
    }

    @Test
    void noToken_then401WithBearerChallenge() {
        GatewayException e = refused(access, "/p/acme/orders/x", null);
        assertEquals(401, e.errorCode().status().getCode());
        assertEquals("missing_credentials", e.details().get("reason"));
        assertEquals("Bearer realm=\"gatehouse\"", e.headers().get("WWW-Authenticate"));
    }

    @Test
    void rolesAndScopes_thenAnyOfEachIsNeeded() {
        assertEquals("alice", access.check(match("/admin-area/x"),
            request("/admin-area/x", token(Map.of("roles", List.of("ops"), "scope", "read admin:write")))).subject());
        GatewayException role = refused(access, "/admin-area/x", token(Map.of("roles", List.of("viewer"), "scope", "admin:write")));
        assertEquals(403, role.errorCode().status().getCode());
        assertEquals("missing_role", role.details().get("reason"));
        assertEquals(List.of("admin", "ops"), role.details().get("required_roles"));
        GatewayException scope = refused(access, "/admin-area/x", token(Map.of("roles", "admin", "scp", List.of("read"))));
        assertEquals("insufficient_scope", scope.details().get("reason"));
        assertEquals("Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"admin:write\"", scope.headers().get("WWW-Authenticate"));
    }

    static Stream<Arguments> groupCases() {
        return Stream.of(
            Arguments.of("allow list, groups claim holds one", "/partners/x", Map.of("groups", List.of("partners")), null),
            Arguments.of("allow list, a role holds one", "/partners/x", Map.of("roles", "staff"), null),
            Arguments.of("allow list, groups as a string", "/partners/x", Map.of("groups", "guests staff"), null),
            Arguments.of("allow list, none held", "/partners/x", Map.of("groups", List.of("guests")), "group_not_allowed"),
            Arguments.of("allow list, no groups at all", "/partners/x", Map.of(), "group_not_allowed"),
            Arguments.of("deny list, no groups", "/members/x", Map.of(), null),
            Arguments.of("deny list, other groups", "/members/x", Map.of("groups", List.of("gold")), null),
            Arguments.of("deny list, groups claim holds it", "/members/x", Map.of("groups", List.of("gold", "suspended")), "group_denied"),
            Arguments.of("deny list, a role holds it", "/members/x", Map.of("roles", List.of("suspended")), "group_denied"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("groupCases")
    void groupAllowAndDenyLists_thenAdmittedOr403WithTheReason(String name, String path, Map<String, Object> claims, String reason) {
        if (reason == null) {
            assertEquals("alice", access.check(match(path), request(path, token(claims))).subject());
            return;
        }
        GatewayException e = refused(access, path, token(claims));
        assertEquals(403, e.errorCode().status().getCode());
        assertEquals("forbidden", e.errorCode().code());
        assertEquals(reason, e.details().get("reason"));
        if (reason.equals("group_not_allowed")) {
            assertEquals(List.of("partners", "staff"), e.details().get("allowed_groups"));
        } else {
            assertEquals(List.of("suspended"), e.details().get("denied_groups"));
        }
    }

    @ParameterizedTest(name = "{0} with tenant {1}")
    @CsvSource(nullValues = "none", value = {
        "/acme-only/x, acme, ",
        "/acme-only/x, globex, acme",
        "/acme-only/x, none, acme",
        "/t/acme/x, tenant-acme, ",
        "/t/acme/x, tenant-globex, tenant-acme",
        "/t/globex/x, tenant-acme, tenant-globex"})
    void routeTenant_thenOnlyItsTenantsCallersAreAdmitted(String path, String tenant, String refusedFor) {
        String token = token(tenant == null ? Map.of() : Map.of("tenant", tenant));
        if (refusedFor == null) {
            assertEquals(tenant, access.check(match(path), request(path, token)).tenant());
            return;
        }
        GatewayException e = refused(access, path, token);
        assertEquals(403, e.errorCode().status().getCode());
        assertEquals("tenant_mismatch", e.details().get("reason"));
        assertEquals(refusedFor, e.details().get("tenant"));
    }

    @Test
    void routeTenantWithoutAuth_thenRefusedAtLoadAndUnknownVariableNamed() {
        DefinitionException e = assertThrows(DefinitionException.class, () -> definition("""
            upstreams:
              svc: { targets: ["http://127.0.0.1:9"] }
            routes:
              - id: r
                match: { path: "/r/{project}/**" }
                upstream: svc
                auth: none
                tenant: "{team}"
            """));
        assertTrue(e.getMessage().contains("routes[0].tenant: uses {team} but match.path has no such variable"), e.getMessage());
        assertTrue(e.getMessage().contains("routes[0].auth: is none, but the route's claims, authorization or tenant rules"),
            e.getMessage());
    }

    @Test
    void apiKeyConsumerGroups_thenCheckedAsGroups() {
        GatewayPrincipal consumer = new GatewayPrincipal("billing", "api-key", Map.of("groups", List.of("partners")),
            Set.of("partners"), Set.of(), null);
        assertEquals(Set.of("partners"), consumer.groups());
        GatewayPrincipal jwt = new GatewayPrincipal("alice", "jwt", Map.of("groups", List.of("/staff", "gold")), Set.of("admin"),
            Set.of(), null);
        assertEquals(List.of("admin", "/staff", "gold"), List.copyOf(jwt.groups()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ allow: [a], deny: [b] } | routes[0].authorization.groups: has both allow and deny",
        "{} | routes[0].authorization.groups: needs allow or deny",
        "{ allow: [] } | routes[0].authorization.groups.allow: must name at least one group",
        "[a, b] | routes[0].authorization.groups: must be a map with allow or deny",
        "{ allow: [a], only: [b] } | routes[0].authorization.groups.only: unknown field"})
    void invalidGroupLists_thenRefusedWithTheFieldPath(String groups, String expected) {
        assertRouteRefused("authorization: { groups: " + groups + " }", expected);
    }

    /** Asserts that a route to /p/{project}/** with the given policy line does not load, naming the problem. */
    private static void assertRouteRefused(String policy, String expected) {
        DefinitionException e = assertThrows(DefinitionException.class, () -> definition("""
            upstreams:
              svc: { targets: ["http://127.0.0.1:9"] }
            routes:
              - id: r
                match: { path: "/p/{project}/**" }
                upstream: svc
                %s
            """.formatted(policy)));
        assertTrue(e.getMessage().contains(expected), "missing \"" + expected + "\" in:\n" + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "[] | routes[0].claims.match.service: must name at least one accepted value",
        "[api, api] | routes[0].claims.match.service[1]: repeats 'api'",
        "[api, \"{service}\"] | routes[0].claims.match.service[1]: uses {service} but match.path has no such variable",
        "[api, \"\"] | routes[0].claims.match.service[1]: must not be blank"})
    void invalidClaimMatchLists_thenRefusedWithTheFieldPath(String accepted, String expected) {
        assertRouteRefused("claims: { match: { service: " + accepted + " } }", expected);
    }

    @ParameterizedTest(name = "{0} could be accepted by {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "api | api | true",
        "api | web | false",
        "acme | {project} | true",
        "acme/x | {project} | false",
        "acme-web | {project}-web | true",
        "acme-api | {project}-web | false",
        "a.b | a.b | true",
        "axb | a.b | false"})
    void couldAccept_thenLiteralsEqualAndTemplatesTakeOneSegment(String value, String template, boolean expected) {
        assertEquals(expected, RoutePolicy.couldAccept(List.of(template), value));
    }

    @Test
    void rulesWithoutAnAuthKey_thenJwtIsRequired() {
        assertEquals(AuthMode.JWT, access.mode(match("/admin-area/x").route()));
        assertEquals(401, refused(access, "/admin-area/x", null).errorCode().status().getCode());
    }

    @Test
    void requireAuthOff_thenRouteWithoutAuthIsOpen() {
        assertSame(GatewayPrincipal.ANONYMOUS, access.check(match("/unsaid/x"), request("/unsaid/x", null)));
    }

    @Test
    void requireAuthOn_thenRouteWithoutAuthNeedsJwtAndAuthNoneStaysOpen() {
        assertEquals(401, refused(requiring, "/unsaid/x", null).errorCode().status().getCode());
        assertEquals("alice", requiring.check(match("/unsaid/x"), request("/unsaid/x", token(Map.of()))).subject());
        assertSame(GatewayPrincipal.ANONYMOUS, requiring.check(match("/open/x"), request("/open/x", null)));
    }

    @Test
    void apiKeyRouteWithoutAnApiKeyAuthenticator_then401MethodUnavailable() {
        GatewayException e = refused(requiring, "/keyed/x", token(Map.of()));
        assertEquals(401, e.errorCode().status().getCode());
        assertEquals("method_unavailable", e.details().get("reason"));
        assertEquals("api-key", e.details().get("auth"));
    }

    @Test
    void anyRoute_thenEveryAuthenticatorIsTried() {
        assertEquals("jwt", access.check(match("/any/x"), request("/any/x", token(Map.of()))).method());
        GatewayException e = refused(access, "/any/x", null);
        assertEquals(List.of("jwt", "api-key", "session"), e.details().get("accepted"));
    }

    @Test
    void invalidTokenOnAnyRoute_then401InvalidToken() {
        GatewayException e = refused(access, "/any/x", "not-a-token");
        assertEquals(401, e.errorCode().status().getCode());
        assertEquals("malformed", e.details().get("reason"));
    }

    @Test
    void typosInPolicies_thenEveryProblemWithItsFieldPath() {
        DefinitionException e = assertThrows(DefinitionException.class, () -> definition("""
            upstreams:
              svc: { targets: ["http://127.0.0.1:9"] }
            routes:
              - id: r
                match: { path: "/p/{project}/**" }
                upstream: svc
                auth: jwtt
                claims:
                  requried: [sub]
                  match: { service: "{service}" }
                  forward: { sub: "Bad Header", project: Authorization }
                authorization: { role: [admin] }
              - id: open
                match: { path: "/o/**" }
                upstream: svc
                auth: none
                claims: { required: [sub] }
            """));
        String message = e.getMessage();
        for (String expected : List.of(
            "routes[0].auth: must be one of none, jwt, api-key, session, any, not 'jwtt'",
            "routes[0].claims.requried: unknown field",
            "routes[0].claims.match.service: uses {service} but match.path has no such variable",
            "routes[0].claims.forward.sub: 'Bad Header' is not a valid header name",
            "routes[0].claims.forward.project: 'Authorization' cannot carry a claim",
            "routes[0].authorization.role: unknown field",
            "routes[1].auth: is none, but the route's claims, authorization or tenant rules need an authenticated caller")) {
            assertTrue(message.contains(expected), "missing \"" + expected + "\" in:\n" + message);
        }
    }

    private GatewayException refused(RouteAccess routeAccess, String path, String token) {
        return assertThrows(GatewayException.class, () -> routeAccess.check(match(path), request(path, token)));
    }

    private RouteMatch match(String path) {
        RouteMatch match = table.match(request(path, null));
        assertTrue(match != null, "no route for " + path);
        return match;
    }

    private static String token(Map<String, Object> claims) {
        var builder = TestTokens.claims("alice");
        claims.forEach(builder::claim);
        return TestTokens.hmac(builder.build(), JWSAlgorithm.HS256);
    }

    private static AccessConfiguration requireAuth() {
        AccessConfiguration configuration = new AccessConfiguration();
        configuration.setRequireAuth(true);
        return configuration;
    }

    private static GatewayDefinition definition(String yaml) {
        return GatewayDefinition.of(List.of(new GatewayDefinition.Source("routes.yml", new Yaml().load(yaml))));
    }

    private static RequestView request(String path, String token) {
        return new RequestView() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String host() {
                return "gateway.test";
            }

            @Override
            public String header(String name) {
                return "authorization".equalsIgnoreCase(name) && token != null ? "Bearer " + token : null;
            }

            @Override
            public List<String> query(String name) {
                return List.of();
            }
        };
    }
}
