package io.gatehouse.identity.oauth;

import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.Secrets;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;

/**
 * Refresh tokens: {@code ghr_} and 32 random bytes, stored as SHA-256, single use. Using one
 * replaces it with a new one of the same family; presenting a used one again (a stolen token
 * replayed, or a client that lost the new one) ends the whole family. Blocking.
 */
@Singleton
final class RefreshTokens {

    private final IdentityDatabase database;
    private final OAuthConfiguration configuration;
    private final Clock clock = Clock.systemUTC();

    RefreshTokens(IdentityDatabase database, OAuthConfiguration configuration) {
        this.database = database;
        this.configuration = configuration;
    }

    /**
     * What a refresh token grants.
     *
     * @param clientId the client it was issued to
     * @param subject  the subject of its access tokens
     * @param scope    the scope granted (space-separated)
     * @param family   the family it belongs to
     */
    record Granted(String clientId, String subject, String scope, String family) {
    }

    /**
     * @param clientId the client
     * @param subject  the subject
     * @param scope    the scope
     * @param family   the family, or {@code null} to start one
     * @return the new refresh token, shown once
     */
    String create(String clientId, String subject, String scope, String family) {
        String token = "ghr_" + Secrets.randomToken(32);
        long now = clock.instant().getEpochSecond();
        database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO gh_oauth_refresh_tokens (token_hash, family, client_id, subject, scope, created_at, expires_at, used_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
                statement.setString(1, Secrets.sha256(token));
                statement.setString(2, family == null ? Secrets.randomHex(16) : family);
                statement.setString(3, clientId);
                statement.setString(4, subject);
                statement.setString(5, scope);
                statement.setLong(6, now);
                statement.setLong(7, now + configuration.getRefreshTokenLifetime().toSeconds());
                statement.executeUpdate();
            }
            return null;
        });
        return token;
    }

    /**
     * Uses a refresh token up.
     *
     * @param token    the token presented
     * @param clientId the authenticated client
     * @return what it granted
     * @throws OAuthException {@code invalid_grant} when unknown, expired, used (the family is then
     *                        ended) or issued to another client
     */
    Granted use(String token, String clientId) {
        long now = clock.instant().getEpochSecond();
        String hash = Secrets.sha256(token);
        Object outcome = database.transaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT family, client_id, subject, scope, expires_at, used_at FROM gh_oauth_refresh_tokens WHERE token_hash = ?")) {
                select.setString(1, hash);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return "The refresh token is not known.";
                    }
                    String family = rows.getString(1);
                    if (!rows.getString(2).equals(clientId)) {
                        return "The refresh token was issued to another client.";
                    }
                    rows.getLong(6);
                    if (!rows.wasNull()) {
                        try (PreparedStatement end = connection.prepareStatement("DELETE FROM gh_oauth_refresh_tokens WHERE family = ?")) {
                            end.setString(1, family);
                            end.executeUpdate();
                        }
                        return "The refresh token was already used; every token of its grant is now invalid.";
                    }
                    if (rows.getLong(5) <= now) {
                        return "The refresh token has expired.";
                    }
                    Granted granted = new Granted(clientId, rows.getString(3), rows.getString(4), family);
                    try (PreparedStatement use = connection.prepareStatement(
                        "UPDATE gh_oauth_refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")) {
                        use.setLong(1, now);
                        use.setString(2, hash);
                        if (use.executeUpdate() == 0) {
                            return "The refresh token was already used.";
                        }
                    }
                    return granted;
                }
            }
        });
        if (outcome instanceof Granted granted) {
            return granted;
        }
        throw OAuthException.invalidGrant((String) outcome);
    }
}
