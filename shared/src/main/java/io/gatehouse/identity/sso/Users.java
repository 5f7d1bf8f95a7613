package io.gatehouse.identity.sso;

import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.Secrets;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/**
 * The users who logged in through an SSO provider, provisioned just in time: the first login of
 * a (provider, subject) pair creates a row of {@code gh_users} with a new user id, unless the
 * provider's {@code auto-provision} is off; every later login updates its email, name, tenant and
 * last login time. Blocking.
 */
@Singleton
class Users {

    private final IdentityDatabase database;
    private final Clock clock = Clock.systemUTC();

    Users(IdentityDatabase database) {
        this.database = database;
    }

    /**
     * @param provider the provider's id
     * @param subject  the ID token's {@code sub}
     * @param email    its {@code email}, or {@code null}
     * @param name     its {@code name}, or {@code null}
     * @param tenant   the user's tenant, or {@code null}
     * @param create   whether a user not known yet is created
     * @return the user's id, or {@code null} when the user is not known and {@code create} is false
     */
    @Nullable
    String provision(String provider, String subject, @Nullable String email, @Nullable String name, @Nullable String tenant,
                     boolean create) {
        try {
            return upsert(provider, subject, email, name, tenant, create);
        } catch (RuntimeException e) {
            // Two first logins of the same user at once: one insert wins, the other updates it.
            return upsert(provider, subject, email, name, tenant, create);
        }
    }

    private String upsert(String provider, String subject, String email, String name, String tenant, boolean create) {
        long now = clock.instant().getEpochSecond();
        return database.transaction(connection -> {
            String id = null;
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM gh_users WHERE provider = ? AND subject = ?")) {
                select.setString(1, provider);
                select.setString(2, subject);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        id = rows.getString(1);
                    }
                }
            }
            if (id != null) {
                try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE gh_users SET email = ?, name = ?, tenant = ?, last_login_at = ? WHERE id = ?")) {
                    update.setString(1, clip(email, 320));
                    update.setString(2, clip(name, 512));
                    update.setString(3, tenant);
                    update.setLong(4, now);
                    update.setString(5, id);
                    update.executeUpdate();
                }
                return id;
            }
            if (!create) {
                return null;
            }
            String created = "u_" + Secrets.randomHex(12);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO gh_users (id, provider, subject, email, name, tenant, "
                + "first_login_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, created);
                insert.setString(2, provider);
                insert.setString(3, subject);
                insert.setString(4, clip(email, 320));
                insert.setString(5, clip(name, 512));
                insert.setString(6, tenant);
                insert.setLong(7, now);
                insert.setLong(8, now);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("user " + provider + "/" + subject + " was created concurrently", e);
            }
            return created;
        });
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
