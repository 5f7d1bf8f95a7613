package io.gatehouse.identity.sso;

import io.gatehouse.identity.Validation;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provisioning controls of a provider from configuration, as Micronaut binds them
 * ({@code gateway.sso.providers.<id>.*}), and their decisions: which emails a domain allowlist
 * admits and which roles a session gets.
 */
class SsoProvidersTest {

    @Test
    void configuredProvisioning_thenBoundAsWritten() {
        Map<String, Object> properties = provider("corp");
        properties.put("gateway.sso.providers.corp.auto-provision", false);
        properties.put("gateway.sso.providers.corp.allowed-domains", List.of("Example.COM", "partner.test"));
        properties.put("gateway.sso.providers.corp.default-roles", List.of("viewer"));
        properties.put("gateway.sso.providers.corp.groups-claim", "realm_access.groups");
        properties.put("gateway.sso.providers.corp.group-roles.gatehouse-admins", List.of("admin", "auditor"));
        properties.put("gateway.sso.providers.corp.group-roles.ops", "operator");
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            SsoProvider.Provisioning p = context.getBean(SsoProviders.class).find("corp").orElseThrow().provisioning();
            assertFalse(p.autoProvision());
            assertEquals(List.of("example.com", "partner.test"), p.allowedDomains(), "lower case");
            assertEquals(List.of("viewer"), p.defaultRoles());
            assertEquals("realm_access.groups", p.groupsClaim());
            assertEquals(Map.of("gatehouse-admins", List.of("admin", "auditor"), "ops", List.of("operator")), p.groupRoles());
        }
    }

    @Test
    void configuredProviderWithoutControls_thenEverybodyProvisionedWithoutExtraRoles() {
        try (ApplicationContext context = ApplicationContext.run(provider("plain"))) {
            assertEquals(SsoProvider.Provisioning.DEFAULT, context.getBean(SsoProviders.class).find("plain").orElseThrow().provisioning());
        }
    }

    @Test
    void configuredBadDomain_thenStartUpStopsNamingIt() {
        Map<String, Object> properties = provider("corp");
        properties.put("gateway.sso.providers.corp.allowed-domains", List.of("*.example.com"));
        // A context whose start fails is not stopped by close(): the beans it already started stay.
        // The health checker's thread would outlive this test and fail ActiveHealthCheckerTest's
        // check that the thread ends with its context.
        properties.put("gateway.health-checks.enabled", false);
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext context = ApplicationContext.run(properties)) {
                context.getBean(SsoProviders.class);
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("gateway.sso.providers.corp is not valid") && messages.toString().contains("allowed_domains[0]"),
            messages.toString());
    }

    static Stream<Arguments> emails() {
        return Stream.of(
            Arguments.of("the listed domain", "carol@partner.test", true),
            Arguments.of("another case", "Carol@PARTNER.Test", true),
            Arguments.of("another domain", "alice@example.com", false),
            Arguments.of("a subdomain", "dave@eu.partner.test", false),
            Arguments.of("a suffix that is not the domain", "eve@evilpartner.test", false),
            Arguments.of("the domain inside the local part", "partner.test@example.com", false),
            Arguments.of("a quoted local part with @", "\"x@partner.test\"@example.com", false),
            Arguments.of("no @", "partner.test", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emails")
    void allowlist_thenExactDomainAfterTheLastAt(String name, String email, boolean admitted) {
        SsoProvider.Provisioning p = new SsoProvider.Provisioning(true, List.of("partner.test"), List.of(), "groups", Map.of());
        assertEquals(admitted, p.admitsEmail(email));
    }

    @Test
    void roles_thenClaimThenDefaultsThenGroupsWithoutRepeats() {
        SsoProvider.Provisioning p = new SsoProvider.Provisioning(true, List.of(), List.of("viewer", "member"), "groups",
            Map.of("admins", List.of("admin", "viewer"), "/admins", List.of("root")));
        assertEquals(List.of("member", "viewer", "admin"), p.roles(List.of("member"), List.of("admins", "strangers")));
        assertEquals(List.of("viewer", "member"), p.roles(List.of(), List.of()), "no group: the default roles");
    }

    @Test
    void validation_thenEachBadControlNamed() {
        Validation validation = new Validation();
        SsoProviders.validate(validation, new SsoProvider("x", "https://login.example.com", "c", "s", List.of("openid"), null, null, true,
            SsoProvider.API, null, null, new SsoProvider.Provisioning(true, List.of("a@b.c"), List.of("bad role"), "a b",
                Map.of("ops", List.of()))));
        io.gatehouse.error.GatewayException e = assertThrows(io.gatehouse.error.GatewayException.class, validation::check);
        List<String> fields = ((List<?>) e.details().get("violations")).stream().map(v -> ((Map<?, ?>) v).get("field").toString()).toList();
        assertEquals(List.of("allowed_domains[0]", "default_roles[0]", "group_roles.ops", "groups_claim"), fields);
    }

    private static Map<String, Object> provider(String id) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", "jdbc:h2:mem:sso" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        properties.put("gateway.sso.providers." + id + ".issuer", "https://login.example.com/realms/" + id);
        properties.put("gateway.sso.providers." + id + ".client-id", "gatehouse");
        properties.put("gateway.sso.providers." + id + ".client-secret", "secret");
        return properties;
    }
}
