package io.gatehouse.route;

import io.gatehouse.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The path normalisation rule, case by case: ordinary paths unchanged (the same instance), the
 * forms that normalise, and the forms refused with their reason.
 */
class PathNormaliserTest {

    private static final PathNormaliser DEFAULT = PathNormaliser.DEFAULT;
    private static final PathNormaliser KEEP_SLASH = new PathNormaliser(true);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/pub", "/pub/", "/pub/a/b", "/v1/services", "/a.b/c..d/.e/..f/...", "/files/a+b",
        "/a-b_c~d", "/x/{id}", "/a:b@c!$&'()*,=", "/.well-known/jwks.json", "/a/b.", "/a/b.."})
    void plainPath_thenSameInstance(String path) {
        assertSame(path, DEFAULT.normalise(path));
    }

    static Stream<Arguments> normalised() {
        return Stream.of(
            Arguments.of("dot-dot segment", "/pub/../priv/a", "/priv/a"),
            Arguments.of("dot segment", "/pub/./a", "/pub/a"),
            Arguments.of("trailing dot", "/pub/.", "/pub/"),
            Arguments.of("trailing dot-dot", "/pub/a/..", "/pub/"),
            Arguments.of("dot-dot to the root", "/pub/..", "/"),
            Arguments.of("encoded dots, lower case", "/pub/%2e%2e/priv/a", "/priv/a"),
            Arguments.of("encoded dots, upper case", "/pub/%2E%2E/priv/a", "/priv/a"),
            Arguments.of("one encoded dot", "/pub/.%2e/priv/a", "/priv/a"),
            Arguments.of("double slash", "//priv/a", "/priv/a"),
            Arguments.of("double slash inside", "/pub//a///b", "/pub/a/b"),
            Arguments.of("double slash at the end", "/pub/a//", "/pub/a/"),
            Arguments.of("unreserved letters decoded", "/%70ub/%41", "/pub/A"),
            Arguments.of("tilde, dash, underscore decoded", "/%7e%2D%5f", "/~-_"),
            Arguments.of("reserved kept, hex upper case", "/a%3fb%23c%3bd", "/a%3Fb%23c%3Bd"),
            Arguments.of("space kept encoded", "/files/a%20b", "/files/a%20b"),
            Arguments.of("UTF-8 kept, hex upper case", "/files/%e2%82%ac", "/files/%E2%82%AC"),
            Arguments.of("four-byte UTF-8", "/%F0%9F%98%80", "/%F0%9F%98%80"),
            Arguments.of("encoded percent at the end", "/files/100%25", "/files/100%25"),
            Arguments.of("encoded percent before a non-hex", "/files/100%25x", "/files/100%25x"),
            Arguments.of("dot-dot climbing within", "/a/b/../../c", "/c"),
            Arguments.of("three dots is a name", "/a/.../b", "/a/.../b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalised")
    void nonNormalPath_thenNormalised(String name, String path, String expected) {
        assertEquals(expected, DEFAULT.normalise(path));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
            Arguments.of("encoded slash", "/pub/a%2Fb", PathNormaliser.ENCODED_SLASH),
            Arguments.of("encoded slash, lower case", "/pub/..%2fpriv/a", PathNormaliser.ENCODED_SLASH),
            Arguments.of("encoded dots and slash", "/pub/%2e%2e%2Fpriv", PathNormaliser.ENCODED_SLASH),
            Arguments.of("backslash", "/pub/..\\priv/a", PathNormaliser.BACKSLASH),
            Arguments.of("encoded backslash", "/pub/..%5cpriv/a", PathNormaliser.BACKSLASH),
            Arguments.of("encoded backslash, upper case", "/pub/%5C", PathNormaliser.BACKSLASH),
            Arguments.of("path parameter", "/pub;x=/../priv/a", PathNormaliser.SEMICOLON),
            Arguments.of("dot-dot with a parameter", "/pub/..;/priv/a", PathNormaliser.SEMICOLON),
            Arguments.of("double-encoded dots", "/pub/%252e%252e/priv/a", PathNormaliser.DOUBLE_ENCODING),
            Arguments.of("double-encoded slash", "/pub/..%252fpriv", PathNormaliser.DOUBLE_ENCODING),
            Arguments.of("overlong dot", "/pub/%c0%ae%c0%ae/priv/a", PathNormaliser.INVALID_UTF8),
            Arguments.of("overlong slash", "/pub/..%c0%afpriv", PathNormaliser.INVALID_UTF8),
            Arguments.of("overlong three-byte", "/%E0%80%AE", PathNormaliser.INVALID_UTF8),
            Arguments.of("lone continuation byte", "/%80", PathNormaliser.INVALID_UTF8),
            Arguments.of("truncated sequence", "/%E2%82", PathNormaliser.INVALID_UTF8),
            Arguments.of("truncated sequence before a letter", "/%E2%82x", PathNormaliser.INVALID_UTF8),
            Arguments.of("surrogate", "/%ED%A0%80", PathNormaliser.INVALID_UTF8),
            Arguments.of("above U+10FFFF", "/%F4%90%80%80", PathNormaliser.INVALID_UTF8),
            Arguments.of("invalid lead byte", "/%FF", PathNormaliser.INVALID_UTF8),
            Arguments.of("NUL", "/pub/a%00.json", PathNormaliser.CONTROL_CHARACTER),
            Arguments.of("encoded newline", "/pub/a%0d%0aX", PathNormaliser.CONTROL_CHARACTER),
            Arguments.of("encoded DEL", "/pub/%7F", PathNormaliser.CONTROL_CHARACTER),
            Arguments.of("raw non-ASCII", "/caf\u00e9", PathNormaliser.INVALID_CHARACTER),
            Arguments.of("raw tab", "/a\tb", PathNormaliser.INVALID_CHARACTER),
            Arguments.of("raw space", "/a b", PathNormaliser.INVALID_CHARACTER),
            Arguments.of("percent without hex", "/a%zz", PathNormaliser.INVALID_PERCENT_ENCODING),
            Arguments.of("percent at the end", "/a%", PathNormaliser.INVALID_PERCENT_ENCODING),
            Arguments.of("percent with one digit", "/a%4", PathNormaliser.INVALID_PERCENT_ENCODING),
            Arguments.of("percent with non-ASCII digits", "/a%\u0663\u0663", PathNormaliser.INVALID_PERCENT_ENCODING),
            Arguments.of("above the root", "/..", PathNormaliser.ABOVE_ROOT),
            Arguments.of("above the root, later", "/pub/../../priv", PathNormaliser.ABOVE_ROOT),
            Arguments.of("encoded above the root", "/%2e%2e/priv", PathNormaliser.ABOVE_ROOT),
            Arguments.of("asterisk form", "*", PathNormaliser.NOT_ABSOLUTE),
            Arguments.of("relative", "pub/a", PathNormaliser.NOT_ABSOLUTE),
            Arguments.of("empty", "", PathNormaliser.NOT_ABSOLUTE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void ambiguousPath_thenRefusedWithItsReason(String name, String path, String reason) {
        assertRefused(path, reason);
    }

    @Test
    void encodedSlashKept_thenPartOfItsSegment() {
        assertEquals("/files/a%2Fb", KEEP_SLASH.normalise("/files/a%2fb"));
        // "..%2F" is not a dot segment: it stays a name, and nothing climbs.
        assertEquals("/pub/..%2Fpriv/a", KEEP_SLASH.normalise("/pub/..%2fpriv/a"));
        assertEquals("/pub/x", KEEP_SLASH.normalise("/pub/a%2Fb/../x"));
        // Everything else is refused as by default.
        assertEquals(PathNormaliser.BACKSLASH,
            assertThrows(PathNormaliser.InvalidPathException.class, () -> KEEP_SLASH.normalise("/a%5Cb")).reason());
    }

    @Test
    void refusal_thenInvalidPathWithReasonInDetails() {
        PathNormaliser.InvalidPathException e =
            assertThrows(PathNormaliser.InvalidPathException.class, () -> DEFAULT.normalise("/a%2Fb"));
        assertEquals(ErrorCode.INVALID_PATH, e.errorCode());
        assertEquals(400, e.errorCode().status().getCode());
        assertEquals(Map.of("reason", PathNormaliser.ENCODED_SLASH), e.details());
    }

    @Test
    void unparsableTarget_thenTheReasonOfItsPath() {
        assertEquals(PathNormaliser.BACKSLASH, PathNormaliser.refusalOf("/pub/..\\priv?x=1").reason());
        assertEquals(PathNormaliser.INVALID_PERCENT_ENCODING, PathNormaliser.refusalOf("http://h:1/a%zz?q").reason());
        assertEquals(PathNormaliser.INVALID_CHARACTER, PathNormaliser.refusalOf("/a?q=%zz").reason());
    }

    @Test
    void configuration_thenDefaultRefusesAndKeepKeeps() {
        PathNormalisationConfiguration configuration = new PathNormalisationConfiguration();
        assertSame(PathNormaliser.DEFAULT, configuration.normaliser());
        configuration.setEncodedSlash(PathNormalisationConfiguration.EncodedSlash.KEEP);
        assertEquals("/a%2Fb", configuration.normaliser().normalise("/a%2Fb"));
    }

    private static void assertRefused(String path, String reason) {
        PathNormaliser.InvalidPathException e =
            assertThrows(PathNormaliser.InvalidPathException.class, () -> DEFAULT.normalise(path), path);
        assertEquals(reason, e.reason(), path);
    }
}
