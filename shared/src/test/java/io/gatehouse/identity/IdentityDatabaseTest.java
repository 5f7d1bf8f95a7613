package io.gatehouse.identity;

import io.gatehouse.identity.token.IssuedToken;
import io.gatehouse.identity.token.RevocationRequest;
import io.gatehouse.identity.token.Revocations;
import io.gatehouse.identity.token.TokenMetadata;
import io.gatehouse.identity.token.TokenRequest;
import io.gatehouse.identity.token.TokenService;
import io.gatehouse.testing.TestSchema;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity migrations run on both databases the gateway supports, H2 in memory (the embedded
 * default) and PostgreSQL, and the token service works on each.
 */
class IdentityDatabaseTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void firstUse_thenMigratedAndUsable(String database) throws Exception {
        TestSchema schema = database.equals("postgresql") ? TestSchema.create("migrate") : null;
        Map<String, Object> properties = new HashMap<>();
        if (schema != null) {
            properties.putAll(schema.properties());
            properties.remove("redis.uri");
        } else {
            properties.put("datasources.default.url", "jdbc:h2:mem:identity" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        }
        properties.put("gateway.jwt.secret", IdentityInstances.SECRET);
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            TokenService tokens = context.getBean(TokenService.class);
            IssuedToken token = tokens.issue(AdminPrincipal.GLOBAL, new TokenRequest("alpha", "orders", "robot", "V16: a description", null, 60L, null, "acme"));
            assertEquals("acme", tokens.revoke(AdminPrincipal.GLOBAL, token.metadata().jti()).tenant(), "V15's tenant column");
            assertTrue(context.getBean(Revocations.class).isRevoked(token.metadata().jti()));
            // V16: the description, who revoked and why, and a foreign jti longer than the gateway's own.
            TokenMetadata reasoned = tokens.revoke(AdminPrincipal.GLOBAL, token.metadata().jti(), null);
            assertEquals("V16: a description", reasoned.description());
            assertEquals("admin-token", reasoned.revokedBy());
            String foreign = "router-" + "f".repeat(100);
            TokenMetadata stopped = tokens.revoke(AdminPrincipal.GLOBAL, foreign, new RevocationRequest("leaked", null));
            assertEquals(TokenMetadata.FOREIGN, stopped.kind());
            assertEquals("leaked", tokens.get(AdminPrincipal.GLOBAL, foreign).revocationReason());
            assertTrue(context.getBean(Revocations.class).isRevoked(foreign, "any-tenant"));

            try (Connection connection = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class)).getConnection();
                 ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
                List<String> versions = new java.util.ArrayList<>();
                while (rows.next()) {
                    versions.add(rows.getString(1));
                }
                assertEquals(List.of("1", "10", "11", "12", "13", "14", "15", "16", "17", "18", "30", "31", "32"), versions,
                    "the admin store's V1, the identity migrations (SSO's V13 among them), the audit log's V14, tenancy's V15, "
                        + "the token migration's V16, SSO provisioning's V17, the plans' V18, the conversations' V30, "
                        + "feedback's V31 and the sessions' per-tenant Idempotency-Key, V32, share one history");
            }
            // V13 and V17: SSO providers load with their provisioning columns, and a user is unique per provider and subject,
            // on both databases.
            context.getBean(io.gatehouse.identity.sso.SsoProviders.class).reload(false);
            try (Connection connection = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class)).getConnection()) {
                String insert = "INSERT INTO gh_users (id, provider, subject, first_login_at, last_login_at) VALUES (?, 'kc', 'sub-1', 1, 1)";
                try (java.sql.PreparedStatement first = connection.prepareStatement(insert)) {
                    first.setString(1, "u_1");
                    first.executeUpdate();
                }
                try (java.sql.PreparedStatement second = connection.prepareStatement(insert)) {
                    second.setString(1, "u_2");
                    org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, second::executeUpdate);
                }
            }
        } finally {
            if (schema != null) {
                schema.close();
            }
        }
    }
}
