package io.gatehouse.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one rule for naming a claim: an exact key wins, then dotted prefixes, longest first.
 */
class ClaimPathTest {

    private static final Map<String, Object> KEYCLOAK = Map.of(
        "sub", "alice",
        "realm_access", Map.of("roles", List.of("offline_access", "gatehouse-user")),
        "resource_access", Map.of(
            "account", Map.of("roles", List.of("manage-account")),
            "orders.api", Map.of("roles", List.of("write"))),
        "https://example.com/plan", "gold",
        "a", Map.of("b", Map.of("c", "nested")),
        "a.b", Map.of("c", "dotted"));

    static Stream<Arguments> paths() {
        return Stream.of(
            Arguments.of("a top-level claim", "sub", "alice"),
            Arguments.of("realm roles", "realm_access.roles", List.of("offline_access", "gatehouse-user")),
            Arguments.of("a client's roles", "resource_access.account.roles", List.of("manage-account")),
            Arguments.of("a client id with dots", "resource_access.orders.api.roles", List.of("write")),
            Arguments.of("a claim named with dots", "https://example.com/plan", "gold"),
            Arguments.of("the longest prefix first", "a.b.c", "dotted"),
            Arguments.of("absent", "realm_access.groups", null),
            Arguments.of("through a value that is not an object", "sub.x", null),
            Arguments.of("empty segment", "realm_access..roles", null),
            Arguments.of("trailing dot", "realm_access.", null),
            Arguments.of("empty", "", null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("paths")
    void path_thenTheValueFoundThere(String name, String path, Object expected) {
        assertEquals(expected, ClaimPath.resolve(KEYCLOAK, path));
    }

    @Test
    void shorterPrefixWhenTheLongerLeadsNowhere_thenFound() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("a.b", Map.of("x", "unrelated"));
        claims.put("a", Map.of("b", Map.of("c", "nested")));
        assertEquals("nested", ClaimPath.resolve(claims, "a.b.c"));
    }

    @Test
    void words_thenArraysAndSpaceOrCommaSeparatedStrings() {
        assertEquals(Set.of("a", "b", "c"), ClaimPath.words("a b,c"));
        assertEquals(List.of("a", "b"), List.copyOf(ClaimPath.words(List.of("a", "b", "a"))));
        assertEquals(Set.of(), ClaimPath.words(Map.of("a", "b")));
    }
}
