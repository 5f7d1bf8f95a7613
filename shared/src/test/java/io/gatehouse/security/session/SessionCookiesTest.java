package io.gatehouse.security.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Finding the session cookie among {@code Cookie} headers, as each runtime delivers them.
 */
class SessionCookiesTest {

    static Stream<Arguments> headers() {
        return Stream.of(
            Arguments.of("alone", List.of("gatehouse_session=abc"), "abc"),
            Arguments.of("among others", List.of("a=1; gatehouse_session=abc; b=2"), "abc"),
            Arguments.of("in the second Cookie line", List.of("a=1", "gatehouse_session=abc"), "abc"),
            Arguments.of("quoted", List.of("gatehouse_session=\"abc\""), "abc"),
            Arguments.of("a longer name that contains it", List.of("x_gatehouse_session=abc"), null),
            Arguments.of("empty, then set", List.of("gatehouse_session=; gatehouse_session=abc"), "abc"),
            Arguments.of("absent", List.of("a=1"), null),
            Arguments.of("no header", List.of(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void cookieHeaders_thenSessionValueFound(String name, List<String> headers, String expected) {
        assertEquals(expected, SessionCookies.find(headers, "gatehouse_session"));
    }
}
