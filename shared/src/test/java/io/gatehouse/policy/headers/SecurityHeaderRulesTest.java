package io.gatehouse.policy.headers;

import io.gatehouse.policy.RouteDefinitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The security headers' settings: a route's {@code security-headers} key refused when it loads,
 * naming the field, and the gateway-wide settings refused naming the property.
 */
class SecurityHeaderRulesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ frame-option: DENY }                          | routes[0].security-headers.frame-option: unknown field",
        "{ server: gatehouse }                           | routes[0].security-headers.server: unknown field",
        "{ frame-options: ALLOWALL }                     | routes[0].security-headers.frame-options: must be DENY or SAMEORIGIN",
        "{ content-type-options: sniff }                 | routes[0].security-headers.content-type-options: must be nosniff",
        "{ referrer-policy: never }                      | routes[0].security-headers.referrer-policy: must be one of",
        "{ strict-transport-security: \"1 year\" }       | routes[0].security-headers.strict-transport-security: must be max-age=<seconds>",
        "{ frame-options: true }                         | routes[0].security-headers.frame-options: takes the header's value, or false",
        "{ content-security-policy: \"a\\nb\" }          | routes[0].security-headers.content-security-policy: must be printable ASCII text on one line",
        "[frame-options]                                 | routes[0].security-headers: must be a map"})
    void invalidRouteSettings_thenTheRouteIsRefusedNamingTheField(String settings, String expected) {
        RouteDefinitions.assertRefused("security-headers: " + settings, expected);
    }

    @Test
    void routeSettings_thenAppliedOverTheGateways() {
        SecurityHeaderRules gateway = SecurityHeaderRules.of(new SecurityHeadersConfiguration());
        var definition = RouteDefinitions.load("""
            security-headers:
              frame-options: SAMEORIGIN
              referrer-policy: "same-origin, strict-origin-when-cross-origin"
              strict-transport-security: "max-age=63072000; includeSubDomains; preload"
              content-security-policy: false
            """);
        SecurityHeaderRules route = gateway.forRoute(definition.routes().getFirst());
        assertEquals("SAMEORIGIN", route.value(SecurityHeader.FRAME_OPTIONS));
        assertEquals("same-origin, strict-origin-when-cross-origin", route.value(SecurityHeader.REFERRER_POLICY));
        assertEquals("max-age=63072000; includeSubDomains; preload", route.value(SecurityHeader.STRICT_TRANSPORT_SECURITY));
        assertNull(route.value(SecurityHeader.CONTENT_SECURITY_POLICY));
        assertEquals("nosniff", route.value(SecurityHeader.CONTENT_TYPE_OPTIONS));
        assertEquals(Map.of(), SecurityHeaderRules.of(switchedOff()).values());
    }

    private static SecurityHeadersConfiguration switchedOff() {
        SecurityHeadersConfiguration configuration = new SecurityHeadersConfiguration();
        configuration.setContentTypeOptions("false");
        configuration.setFrameOptions("");
        configuration.setContentSecurityPolicy(null);
        configuration.setReferrerPolicy("FALSE");
        configuration.setStrictTransportSecurity(" ");
        return configuration;
    }

    @Test
    void gatewaySettingAHeaderDoesNotTake_thenRefusedNamingTheProperty() {
        SecurityHeadersConfiguration configuration = new SecurityHeadersConfiguration();
        configuration.setStrictTransportSecurity("max-age=forever");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecurityHeaderRules.of(configuration));
        assertEquals("gateway.security-headers.strict-transport-security must be max-age=<seconds>, optionally followed by "
            + "; includeSubDomains and ; preload, not 'max-age=forever'", e.getMessage());
        assertNotNull(SecurityHeaderRules.of(new SecurityHeadersConfiguration()).value(SecurityHeader.FRAME_OPTIONS));
    }
}
