package io.gatehouse.testing;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the provisioning tests need of the test realm beyond {@code alice} and {@code bob}: the
 * group {@value #ADMINS_GROUP}, the user {@value #CAROL} ({@code carol@partner.test}, a member of
 * it) and the client {@value #GROUPS_CLIENT} (the login client's settings plus a {@code groups}
 * claim in ID tokens). The realm file declares them too, for a Keycloak that imports it afresh;
 * a Keycloak that imported an older realm file gets them here, through Keycloak's admin REST API
 * (the dev instance's {@code admin}/{@code admin}, set by {@code bin/services/keycloak.sh}).
 * Idempotent: what exists is left as it is.
 */
public final class KeycloakFixtures {

    /** The group whose members the tests map to a role. */
    public static final String ADMINS_GROUP = "gatehouse-admins";

    /** A user of another email domain, member of {@value #ADMINS_GROUP}. */
    public static final String CAROL = "carol";

    /** Carol's password. */
    public static final String CAROL_PASSWORD = "carol-password";

    /** A login client whose ID tokens carry the user's groups (claim {@code groups}, group names without path). */
    public static final String GROUPS_CLIENT = "gatehouse-sso-groups";

    /** Its secret. */
    public static final String GROUPS_CLIENT_SECRET = "gatehouse-sso-groups-secret";

    private static volatile boolean ensured;

    private KeycloakFixtures() {
    }

    /**
     * Makes sure the group, the user and the client exist in the realm of {@code issuer}.
     *
     * @param issuer the realm's issuer, such as {@code http://127.0.0.1:8180/realms/gatehouse}
     */
    public static synchronized void ensure(String issuer) {
        if (ensured) {
            return;
        }
        int realms = issuer.indexOf("/realms/");
        String base = issuer.substring(0, realms);
        String realm = issuer.substring(realms + "/realms/".length());
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Admin admin = new Admin(client, base + "/admin/realms/" + realm, token(client, base));
            String groupId = admin.findId("/groups?exact=true&search=" + ADMINS_GROUP, "name", ADMINS_GROUP);
            if (groupId == null) {
                admin.create("/groups", Map.of("name", ADMINS_GROUP));
                groupId = admin.findId("/groups?exact=true&search=" + ADMINS_GROUP, "name", ADMINS_GROUP);
            }
            String userId = admin.findId("/users?exact=true&username=" + CAROL, "username", CAROL);
            if (userId == null) {
                admin.create("/users", Map.of("username", CAROL, "enabled", true, "email", "carol@partner.test",
                    "emailVerified", true, "firstName", "Carol", "lastName", "Partner",
                    "credentials", List.of(Map.of("type", "password", "value", CAROL_PASSWORD, "temporary", false))));
                userId = admin.findId("/users?exact=true&username=" + CAROL, "username", CAROL);
            }
            admin.put("/users/" + userId + "/groups/" + groupId);
            if (admin.findId("/clients?clientId=" + GROUPS_CLIENT, "clientId", GROUPS_CLIENT) == null) {
                admin.create("/clients", Map.ofEntries(
                    Map.entry("clientId", GROUPS_CLIENT),
                    Map.entry("name", "Gatehouse browser login with groups"),
                    Map.entry("enabled", true),
                    Map.entry("protocol", "openid-connect"),
                    Map.entry("publicClient", false),
                    Map.entry("clientAuthenticatorType", "client-secret"),
                    Map.entry("secret", GROUPS_CLIENT_SECRET),
                    Map.entry("standardFlowEnabled", true),
                    Map.entry("directAccessGrantsEnabled", false),
                    Map.entry("redirectUris", List.of("http://127.0.0.1:*", "http://localhost:*")),
                    Map.entry("attributes", Map.of("pkce.code.challenge.method", "S256")),
                    Map.entry("protocolMappers", List.of(Map.of(
                        "name", "groups-in-id-token",
                        "protocol", "openid-connect",
                        "protocolMapper", "oidc-group-membership-mapper",
                        "config", Map.of("claim.name", "groups", "full.path", "false", "id.token.claim", "true",
                            "access.token.claim", "true", "userinfo.token.claim", "false"))))));
            }
        }
        ensured = true;
    }

    private static String token(HttpClient client, String base) {
        String form = "grant_type=password&client_id=admin-cli&username=admin&password=admin";
        HttpResponse<String> response = send(client, HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak's admin login answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return (String) JSONObjectUtils.parse(response.body()).get("access_token");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Admin(HttpClient client, String base, String token) {

        String findId(String query, String field, String value) {
            HttpResponse<String> response = send(client, request(query).GET().build());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + query + " answered " + response.statusCode() + ": " + response.body());
            }
            try {
                for (Object item : com.nimbusds.jose.util.JSONArrayUtils.parse(response.body())) {
                    if (item instanceof Map<?, ?> map && value.equals(map.get(field))) {
                        return String.valueOf(map.get("id"));
                    }
                }
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
            return null;
        }

        void create(String path, Map<String, Object> body) {
            HttpResponse<String> response = send(client, request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(body))).build());
            // 409: created meanwhile by another run.
            if (response.statusCode() != 201 && response.statusCode() != 409) {
                throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        }

        void put(String path) {
            HttpResponse<String> response = send(client, request(path).PUT(HttpRequest.BodyPublishers.noBody()).build());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token);
        }
    }
}
