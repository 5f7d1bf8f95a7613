package io.gatehouse.route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Route patterns whose literal segments could never match a normalised request path are refused
 * when the route is loaded, with a message that says why.
 */
class PathPatternTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/v1/capsules", "/catalog/**", "/{project}/{service}/**", "/api/*/health",
        "/files/a%20b", "/caf%C3%A9", "/repos/group%2Fproject/**", "/a.b/..c/**"})
    void normalLiterals_thenParsed(String pattern) {
        assertEquals(pattern, PathPattern.parse(pattern).toString());
    }

    static Stream<Arguments> neverMatching() {
        return Stream.of(
            Arguments.of("/pub/../priv", "segment '..' can never match: request paths are matched with dot segments removed"),
            Arguments.of("/pub/./a", "segment '.' can never match: request paths are matched with dot segments removed"),
            Arguments.of("/%70ub/**", "segment '%70ub' can never match a normalised path; write 'pub'"),
            Arguments.of("/caf%c3%a9", "segment 'caf%c3%a9' can never match a normalised path; write 'caf%C3%A9'"),
            Arguments.of("/pub;v=1/**", "segment 'pub;v=1' can never match: requests with semicolon are refused (see path normalisation)"),
            Arguments.of("/a%00b", "segment 'a%00b' can never match: requests with control_character are refused (see path normalisation)"),
            Arguments.of("/a\\b", "segment 'a\\b' can never match: requests with backslash are refused (see path normalisation)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("neverMatching")
    void literalNormalisationWouldChange_thenRefusedWithWhy(String pattern, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> PathPattern.parse(pattern)).getMessage());
    }
}
