package io.gatehouse.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpRequestViewTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "api.example.com, api.example.com",
        "API.Example.com:8443, api.example.com",
        "127.0.0.1:8080, 127.0.0.1",
        "[::1]:8080, [::1]",
        "[2001:db8::1], [2001:db8::1]",
        "null, ''",
        "'  ', ''"})
    void hostHeader_thenHostWithoutPortLowerCase(String header, String expected) {
        assertEquals(expected, HttpRequestView.hostWithoutPort(header));
    }
}
