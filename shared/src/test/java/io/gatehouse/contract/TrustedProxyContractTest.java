package io.gatehouse.contract;

import io.gatehouse.testing.EchoUpstream;
import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding headers behind a trusted load balancer ({@code gateway.proxy.trust-forwarded-headers:
 * true}), the same on every runtime: the caller's {@code X-Forwarded-Proto} and {@code -Host} are
 * kept, its {@code X-Forwarded-Prefix} is kept with what the gateway stripped after it, and the
 * client is still appended to {@code X-Forwarded-For} and {@code Forwarded}.
 * {@link ProxyContractTest} proves the untrusted default, where the caller's values are replaced.
 */
public abstract class TrustedProxyContractTest extends ContractTestBase {

    /** The host every request addresses: the custom domain of the HTTP API runner, as in {@link ProxyContractTest}. */
    protected static final String HOST = ProxyContractTest.HOST;

    private final EchoUpstream echo = EchoUpstream.start("echo");

    @Override
    protected Map<String, Object> properties() {
        Map<String, Object> p = super.properties();
        p.put("gateway.proxy.trust-forwarded-headers", true);
        p.put("gateway.upstreams.echo.targets", List.of(echo.url()));
        p.put("gateway.routes[0].id", "stripped");
        p.put("gateway.routes[0].match.path", "/api/**");
        p.put("gateway.routes[0].strip-prefix", true);
        p.put("gateway.routes[0].upstream", "echo");
        p.put("gateway.routes[1].id", "unchanged");
        p.put("gateway.routes[1].match.path", "/plain/**");
        p.put("gateway.routes[1].upstream", "echo");
        return p;
    }

    @AfterAll
    void stopUpstream() {
        echo.close();
    }

    private JsonNode echoed(ContractRequest request) {
        ContractResponse response = send(request.header("Host", HOST));
        assertEquals(200, response.status(), response.text());
        return response.json().get("headers");
    }

    private static String first(JsonNode headers, String name) {
        JsonNode values = headers.get(name);
        return values == null ? null : values.get(0).getStringValue();
    }

    @ParameterizedTest(name = "{0}: prefix {2}")
    @CsvSource({
        "prefix stripped by the gateway, /api/users/7, /edge/api",
        "nothing stripped, /plain/users/7, /edge"})
    void trustedCallerHeaders_thenProtoAndHostKeptAndPrefixExtended(String name, String path, String prefix) {
        JsonNode headers = echoed(ContractRequest.get(path)
            .header("X-Forwarded-Proto", "https")
            .header("X-Forwarded-Host", "public.example")
            .header("X-Forwarded-Prefix", "/edge"));
        assertEquals("https", first(headers, "x-forwarded-proto"));
        assertEquals("public.example", first(headers, "x-forwarded-host"));
        assertEquals(prefix, first(headers, "x-forwarded-prefix"));
    }

    @Test
    void trustedCallerChain_thenClientStillAppended() {
        JsonNode headers = echoed(ContractRequest.get("/plain/x")
            .header("X-Forwarded-For", "198.51.100.9")
            .header("Forwarded", "for=198.51.100.9;proto=https"));
        String forwardedFor = first(headers, "x-forwarded-for");
        assertTrue(forwardedFor.startsWith("198.51.100.9, "), forwardedFor);
        String forwarded = first(headers, "forwarded");
        assertTrue(forwarded.startsWith("for=198.51.100.9;proto=https, for="), forwarded);
    }

    @Test
    void noCallerHeaders_thenTheGatewaysOwnValues() {
        JsonNode headers = echoed(ContractRequest.get("/api/x"));
        assertEquals(HOST, first(headers, "x-forwarded-host"));
        assertEquals("/api", first(headers, "x-forwarded-prefix"));
    }
}
