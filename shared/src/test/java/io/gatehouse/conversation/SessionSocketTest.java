package io.gatehouse.conversation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The origin rule of a socket opened with a session cookie ({@link SessionSocket#sameHost}): only a
 * page of the host the socket connected to may open it; ports and schemes aside, since a proxy in
 * front may change both. The protocol itself runs against real servers in the container's
 * {@code SessionWebSocketTest}.
 */
class SessionSocketTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "no Origin: not a browser                | NONE                           | gateway.example.com      | true",
        "the same host                           | https://gateway.example.com    | gateway.example.com      | true",
        "the same host in another case and port  | https://Gateway.Example.com:8443 | gateway.example.com:443 | true",
        "another site                            | https://evil.example.net       | gateway.example.com      | false",
        "a sibling subdomain                     | https://app.example.com        | gateway.example.com      | false",
        "a suffix of the host                    | https://example.com            | gateway.example.com      | false",
        "an IPv6 literal                         | http://[::1]:8080              | [::1]:8080               | true",
        "the opaque origin of a sandboxed page   | null                           | gateway.example.com      | false",
        "no Host                                 | https://gateway.example.com    | NONE                     | false",
        "an Origin that is not a URI             | https://exa mple.com           | gateway.example.com      | false"})
    void origin_thenAllowedOnlyFromTheSameHost(String name, String origin, String host, boolean allowed) {
        assertEquals(allowed, SessionSocket.sameHost(origin, host), name);
    }
}
