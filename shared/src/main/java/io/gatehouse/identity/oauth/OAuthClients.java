package io.gatehouse.identity.oauth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.Validation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.core.util.SupplierUtil;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registered OAuth2 clients: secrets stored as PBKDF2 hashes (they may be chosen by humans).
 * A client may belong to a tenant, which its tokens then carry; a tenant administrator reaches
 * its tenant's clients only. Blocking.
 */
@Singleton
final class OAuthClients {

    /** The grants a client may be registered for. */
    static final Set<String> GRANT_TYPES = Set.of("client_credentials", "refresh_token", "password");

    private static final List<String> DEFAULT_GRANT_TYPES = List.of("client_credentials", "refresh_token");
    private static final int MIN_SECRET_LENGTH = 12;

    private final IdentityDatabase database;
    private final OAuthConfiguration configuration;
    private final Clock clock = Clock.systemUTC();
    // Made on first need, not at construction: 600000 PBKDF2 iterations would slow a Lambda cold start.
    private final Supplier<String> dummyHash;

    OAuthClients(IdentityDatabase database, OAuthConfiguration configuration) {
        this.database = database;
        this.configuration = configuration;
        this.dummyHash = SupplierUtil.memoized(() -> Secrets.pbkdf2(Secrets.randomToken(16), configuration.getSecretIterations()));
    }

    /**
     * A registration request.
     *
     * @param clientId     the id; generated when absent
     * @param clientSecret the secret; generated (32 random bytes) when absent
     * @param scopes       the scopes it may ask for
     * @param grantTypes   the grants it may use; client_credentials and refresh_token when absent
     * @param project      the {@code project} claim of its tokens, or none
     * @param service      the {@code service} claim of its tokens, or none
     * @param tenant       its tenant and that of its tokens, or none (a tenant administrator's own when absent)
     */
    @Serdeable
    record ClientRequest(@Nullable @JsonProperty("client_id") String clientId,
                         @Nullable @JsonProperty("client_secret") String clientSecret,
                         @Nullable List<String> scopes,
                         @Nullable @JsonProperty("grant_types") List<String> grantTypes,
                         @Nullable String project, @Nullable String service, @Nullable String tenant) {
    }

    /**
     * A client as shown; the secret only in the response that registers it.
     *
     * @param clientId     the id
     * @param clientSecret the secret, or {@code null}
     * @param scopes       its scopes
     * @param grantTypes   its grants
     * @param project      its project claim
     * @param service      its service claim
     * @param createdAt    when it was registered
     * @param tenant       its tenant, or {@code null}
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Client(@JsonProperty("client_id") String clientId,
                  @Nullable @JsonProperty("client_secret") String clientSecret,
                  List<String> scopes,
                  @JsonProperty("grant_types") List<String> grantTypes,
                  @Nullable String project, @Nullable String service,
                  @JsonProperty("created_at") Instant createdAt,
                  @Nullable String tenant) {
    }

    Client register(AdminPrincipal admin, ClientRequest request) {
        Validation validation = new Validation();
        String clientId = request == null || request.clientId() == null ? "client_" + Secrets.randomHex(8)
            : validation.name("client_id", request.clientId(), true);
        String secret = request == null || request.clientSecret() == null ? Secrets.randomToken(32) : request.clientSecret();
        if (secret.length() < MIN_SECRET_LENGTH) {
            validation.problem("client_secret", "must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        List<String> scopes = validation.names("scopes", request == null ? null : request.scopes());
        List<String> grants = request == null || request.grantTypes() == null ? DEFAULT_GRANT_TYPES : request.grantTypes();
        for (int i = 0; i < grants.size(); i++) {
            if (!GRANT_TYPES.contains(grants.get(i))) {
                validation.problem("grant_types[" + i + "]", "must be one of client_credentials, refresh_token, password");
            }
        }
        String project = validation.name("project", request == null ? null : request.project(), false);
        String service = validation.name("service", request == null ? null : request.service(), false);
        String requested = validation.name("tenant", request == null ? null : request.tenant(), false);
        validation.check();
        String tenant = admin.stamp(requested, "OAuth client", clientId);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String hash = Secrets.pbkdf2(secret, configuration.getSecretIterations());
        List<String> grantList = List.copyOf(grants.stream().distinct().toList());
        boolean inserted = database.transaction(connection -> {
            if (find(connection, clientId).isPresent()) {
                return false;
            }
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO gh_oauth_clients (client_id, secret_hash, scopes, grant_types, project, service, created_at, tenant) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, clientId);
                statement.setString(2, hash);
                statement.setString(3, String.join(" ", scopes));
                statement.setString(4, String.join(" ", grantList));
                statement.setString(5, project);
                statement.setString(6, service);
                statement.setLong(7, now.getEpochSecond());
                statement.setString(8, tenant);
                statement.executeUpdate();
            }
            return true;
        });
        if (!inserted) {
            throw new GatewayException(ErrorCode.CONFLICT, "Client '" + clientId + "' already exists.", Map.of("client_id", clientId), Map.of());
        }
        return new Client(clientId, secret, scopes, grantList, project, service, now, tenant);
    }

    List<Client> list(AdminPrincipal admin) {
        return list().stream().filter(c -> admin.reaches(c.tenant())).toList();
    }

    private List<Client> list() {
        return database.transaction(connection -> {
            List<Client> out = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT client_id FROM gh_oauth_clients ORDER BY client_id");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    find(connection, rows.getString(1)).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    Client get(AdminPrincipal admin, String clientId) {
        Client client = database.transaction(connection -> find(connection, clientId)).orElseThrow(() -> notFound(clientId));
        admin.check(client.tenant(), "OAuth client", clientId);
        return client;
    }

    void delete(AdminPrincipal admin, String clientId) {
        get(admin, clientId);
        boolean deleted = database.transaction(connection -> {
            try (PreparedStatement refresh = connection.prepareStatement("DELETE FROM gh_oauth_refresh_tokens WHERE client_id = ?");
                 PreparedStatement client = connection.prepareStatement("DELETE FROM gh_oauth_clients WHERE client_id = ?")) {
                refresh.setString(1, clientId);
                refresh.executeUpdate();
                client.setString(1, clientId);
                return client.executeUpdate() > 0;
            }
        });
        if (!deleted) {
            throw notFound(clientId);
        }
    }

    /**
     * @param clientId the id presented
     * @param secret   the secret presented
     * @return the client when both match; otherwise empty, after the same amount of hashing
     */
    Optional<Client> authenticate(String clientId, String secret) {
        record Stored(Client client, String hash) {
        }
        Optional<Stored> stored = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT secret_hash FROM gh_oauth_clients WHERE client_id = ?")) {
                statement.setString(1, clientId);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    String hash = rows.getString(1);
                    return find(connection, clientId).map(c -> new Stored(c, hash));
                }
            }
        });
        // Hash even for an unknown client, so that timing does not tell which ids exist.
        boolean matches = Secrets.pbkdf2Matches(secret, stored.map(Stored::hash).orElseGet(dummyHash));
        return matches && stored.isPresent() ? Optional.of(stored.get().client()) : Optional.empty();
    }

    private static Optional<Client> find(Connection connection, String clientId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
            "SELECT client_id, scopes, grant_types, project, service, created_at, tenant FROM gh_oauth_clients WHERE client_id = ?")) {
            statement.setString(1, clientId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Client(rows.getString(1), null, words(rows.getString(2)), words(rows.getString(3)),
                    rows.getString(4), rows.getString(5), Instant.ofEpochSecond(rows.getLong(6)), rows.getString(7)));
            }
        }
    }

    static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    private static GatewayException notFound(String clientId) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No OAuth client '" + clientId + "'.", Map.of("client_id", clientId), Map.of());
    }
}
