package io.gatehouse.identity.sso;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two pure decisions of the login: where the browser may go afterwards (no open redirect), and
 * where the roles are in an ID token. The flow itself runs against Keycloak in
 * {@code NettyOidcLoginTest}.
 */
class LoginControllerTest {

    static Stream<Arguments> redirects() {
        return Stream.of(
            Arguments.of("a path", "/app/home", "/app/home"),
            Arguments.of("a path with a query", "/app?tab=1&x=%2F", "/app?tab=1&x=%2F"),
            Arguments.of("the root", "/", "/"),
            Arguments.of("absent", null, "/"),
            Arguments.of("empty", "", "/"),
            Arguments.of("an absolute URL", "https://evil.example/x", "/"),
            Arguments.of("a scheme-relative URL", "//evil.example/x", "/"),
            Arguments.of("a backslash authority", "/\\evil.example", "/"),
            Arguments.of("a backslash later", "/a\\b", "/"),
            Arguments.of("javascript", "javascript:alert(1)", "/"),
            Arguments.of("a relative path", "app/home", "/"),
            Arguments.of("a header injection", "/a\r\nSet-Cookie: x=1", "/"),
            Arguments.of("a tab", "/\t/evil.example", "/"),
            Arguments.of("a space", "/a b", "/"),
            Arguments.of("non-ASCII", "/caf\u00e9", "/"),
            Arguments.of("too long", "/" + "a".repeat(2048), "/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redirects")
    void redirect_thenSameOriginPathOrRoot(String name, String asked, String expected) {
        assertEquals(expected, LoginController.safeRedirect(asked));
    }

    static Stream<Arguments> roleClaims() {
        return Stream.of(
            Arguments.of("a list", Map.of("roles", List.of("a", "b")), "roles", List.of("a", "b")),
            Arguments.of("a space-separated string", Map.of("roles", "a b,c"), "roles", List.of("a", "b", "c")),
            Arguments.of("Keycloak's realm roles", Map.of("realm_access", Map.of("roles", List.of("user", "admin"))),
                "realm_access.roles", List.of("user", "admin")),
            Arguments.of("a claim whose name has dots", Map.of("https://example.com/roles", List.of("x")),
                "https://example.com/roles", List.of("x")),
            Arguments.of("a missing path", Map.of("realm_access", Map.of()), "realm_access.roles", List.of()),
            Arguments.of("a path through a non-object", Map.of("realm_access", "x"), "realm_access.roles", List.of()),
            Arguments.of("no claim", Map.of(), "roles", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roleClaims")
    void rolesClaim_thenReadFromNameOrDottedPath(String name, Map<String, Object> claims, String path, List<String> expected) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        assertEquals(expected, LoginController.roles(builder.build(), path));
    }

    @Test
    void duplicateRoles_thenListedOnce() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("roles", List.of("a", "a", "b")).build();
        assertEquals(List.of("a", "b"), LoginController.roles(claims, "roles"));
    }
}
