package io.gatehouse.lambda;

import io.gatehouse.route.PathNormaliser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ApiGatewayPaths#apiRelative}: templates, encodings, stages and base paths; and
 * {@link ApiGatewayPaths#encodeUnsafeQuery} for raw queries a client sent as it liked.
 */
class ApiGatewayPathsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("proxy resource wins over a base path in the called path",
                "/{proxy+}", Map.of("proxy", "v1/health"), "/gw/v1/health", null, List.of(), "/v1/health"),
            Arguments.of("nested proxy resource",
                "/v1/{proxy+}", Map.of("proxy", "capsules/42"), "/gw/v1/capsules/42", null, List.of(), "/v1/capsules/42"),
            Arguments.of("named parameters are re-encoded when no tail of the called path matches",
                "/v1/capsules/{id}", Map.of("id", "a b/c"), "/elsewhere", null, List.of(), "/v1/capsules/a%20b%2Fc"),
            Arguments.of("a named parameter's encoded slash comes from the called path",
                "/v1/capsules/{id}", Map.of("id", "a b/c"), "/gw/v1/capsules/a%20b%2Fc", null, List.of(), "/v1/capsules/a%20b%2Fc"),
            Arguments.of("the called path's encoding wins when it decodes to the template's path",
                "/{proxy+}", Map.of("proxy", "files/a b/c:d/€/x+y"), "/gw/files/a%20b/c:d/%E2%82%AC/x+y", null, List.of(),
                "/files/a%20b/c:d/%E2%82%AC/x+y"),
            Arguments.of("an encoded slash in the called path is kept",
                "/{proxy+}", Map.of("proxy", "files/a/b"), "/gw/files/a%2Fb", null, List.of(), "/files/a%2Fb"),
            Arguments.of("a decoded rawPath is encoded again",
                "$default", null, "/prod/files/a b/€/100%", "prod", List.of(), "/files/a%20b/%E2%82%AC/100%25"),
            Arguments.of("an encoded rawPath passes unchanged",
                "$default", null, "/files/a%20b/%E2%82%AC", "$default", List.of(), "/files/a%20b/%E2%82%AC"),
            Arguments.of("greedy parameters keep their slashes",
                "/{proxy+}", Map.of("proxy", "files/a b/c"), "/files/a b/c", null, List.of(), "/files/a%20b/c"),
            Arguments.of("missing path parameter falls back to the called path",
                "/{proxy+}", Map.of(), "/v1/health", null, List.of(), "/v1/health"),
            Arguments.of("$default route drops a named stage",
                "$default", null, "/prod/v1/health", "prod", List.of(), "/v1/health"),
            Arguments.of("the stage alone is the root",
                "$default", null, "/prod", "prod", List.of(), "/"),
            Arguments.of("$default stage has no prefix",
                "$default", null, "/prod/v1/health", "$default", List.of(), "/prod/v1/health"),
            Arguments.of("a segment that only starts like the stage is kept",
                "$default", null, "/production/x", "prod", List.of(), "/production/x"),
            Arguments.of("configured base path is dropped",
                null, null, "/gw/v1/health", null, List.of("/gw"), "/v1/health"),
            Arguments.of("configured base path with trailing slash",
                null, null, "/gw/v1/health", null, List.of("/gw/"), "/v1/health"),
            Arguments.of("base path must match a whole segment",
                null, null, "/gwx/v1/health", null, List.of("/gw"), "/gwx/v1/health"),
            Arguments.of("no path at all",
                null, null, "", null, List.of(), "/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void apiRelative_thenPathInsideTheApi(String description, String template, Map<String, String> parameters,
                                          String called, String stage, List<String> basePaths, String expected) {
        assertEquals(expected, ApiGatewayPaths.apiRelative(template, parameters, called, stage, basePaths));
    }

    static Stream<Arguments> normalisedCases() {
        return Stream.of(
            Arguments.of("plain path unchanged", "/v1/health", "/v1/health"),
            Arguments.of("dot segments removed", "/pub/%2e%2e/v1/health", "/v1/health"),
            Arguments.of("double slash merged", "//ping", "/ping"),
            Arguments.of("refused path left for the filter", "/pub/a%2Fb", "/pub/a%2Fb"),
            Arguments.of("refused path keeps one leading slash", "//priv;x/a", "/priv;x/a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalisedCases")
    void normalised_thenNormalOrRefusedWithOneLeadingSlash(String description, String path, String expected) {
        assertEquals(expected, ApiGatewayPaths.normalised(path, PathNormaliser.DEFAULT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "an encoded query passes unchanged     | a=1&b=x%20y+z&c=%E2%82%AC | a=1&b=x%20y+z&c=%E2%82%AC",
        "a percent that starts no escape       | q=100%&r=%zz              | q=100%25&r=%25zz",
        "characters a URI cannot carry         | q=a b&r=<x>&s=€       | q=a%20b&r=%3Cx%3E&s=%E2%82%AC",
        "a question mark and a slash may stay  | next=/a?b                 | next=/a?b"})
    void encodeUnsafeQuery_thenAQueryUriAccepts(String description, String raw, String expected) {
        assertEquals(expected, ApiGatewayPaths.encodeUnsafeQuery(raw));
        java.net.URI.create("/p?" + ApiGatewayPaths.encodeUnsafeQuery(raw));
    }
}
