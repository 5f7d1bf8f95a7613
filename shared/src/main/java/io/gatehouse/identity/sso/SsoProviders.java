package io.gatehouse.identity.sso;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Validation;
import io.gatehouse.identity.sso.SsoModels.ProviderRequest;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one registry of SSO providers: those of {@code gateway.sso.providers} (read-only) and those
 * stored through {@code /admin/sso-providers} in {@code gh_sso_providers}. Every instance holds an
 * immutable snapshot in memory, kept fresh by {@link IdentitySync} under the topic
 * {@value #TOPIC} (as consumers are): a provider added, changed or removed on one instance is used
 * by every instance within a second, without a restart. Reads are in memory; changes are blocking.
 */
@Singleton
public class SsoProviders implements IdentitySync.Cache {

    /** The change topic of SSO providers. */
    public static final String TOPIC = "sso-providers";

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final String COLUMNS = "id, issuer, client_id, client_secret, scopes, tenant, roles_claim, enabled, created_at, updated_at";

    private final Map<String, SsoProvider> configured;
    private final IdentityDatabase database;
    private final IdentitySync sync;
    private final Clock clock = Clock.systemUTC();
    private volatile Map<String, SsoProvider> stored = Map.of();

    SsoProviders(List<SsoProviderConfiguration> configurations, IdentityDatabase database, IdentitySync sync) {
        Map<String, SsoProvider> fromConfiguration = new LinkedHashMap<>();
        for (SsoProviderConfiguration c : configurations) {
            Validation validation = new Validation();
            SsoProvider provider = validate(validation, c.getId(), c.getIssuer(), c.getClientId(), c.getClientSecret(),
                c.getScopes(), c.getTenant(), c.getRolesClaim(), c.isEnabled(), SsoProvider.CONFIGURATION, null, null);
            try {
                validation.check();
            } catch (GatewayException e) {
                throw new ConfigurationException(SsoProviderConfiguration.PREFIX + "." + c.getId() + " is not valid: "
                    + e.details().get("violations"));
            }
            fromConfiguration.put(provider.id(), provider);
        }
        this.configured = Map.copyOf(fromConfiguration);
        this.database = database;
        this.sync = sync;
    }

    /**
     * In memory.
     *
     * @param id a provider id
     * @return the provider, configured or stored, enabled or not
     */
    public Optional<SsoProvider> find(String id) {
        SsoProvider provider = configured.get(id);
        return Optional.ofNullable(provider != null ? provider : stored.get(id));
    }

    /**
     * @return every provider, by id
     */
    public List<SsoProvider> all() {
        Map<String, SsoProvider> all = new LinkedHashMap<>(stored);
        all.putAll(configured);
        return all.values().stream().sorted(Comparator.comparing(SsoProvider::id)).toList();
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    @Override
    public void reload(boolean fromRedis) {
        // Providers are few and only the database holds them (secrets stay out of Redis).
        stored = database.transaction(connection -> {
            Map<String, SsoProvider> fresh = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM gh_sso_providers");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    SsoProvider provider = read(rows);
                    fresh.put(provider.id(), provider);
                }
            }
            return Map.copyOf(fresh);
        });
    }

    SsoProvider get(String id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    SsoProvider create(ProviderRequest request) {
        Validation validation = new Validation();
        SsoProvider provider = fromRequest(validation, request == null ? null : request.id(), request, null);
        validation.check();
        requireWritable(provider.id());
        SsoProvider created = database.transaction(connection -> {
            if (find(connection, provider.id()) != null) {
                return null;
            }
            try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO gh_sso_providers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(statement, provider);
                statement.executeUpdate();
            }
            IdentitySync.bump(connection, TOPIC);
            return find(connection, provider.id());
        });
        if (created == null) {
            throw new GatewayException(ErrorCode.CONFLICT, "SSO provider '" + provider.id() + "' already exists.",
                Map.of("provider", provider.id()), Map.of());
        }
        sync.announce(TOPIC, null);
        return created;
    }

    /**
     * @param id      the provider
     * @param request the new values
     * @param partial PATCH (absent fields keep their values) rather than PUT (absent fields take defaults)
     * @return the provider as stored
     */
    SsoProvider update(String id, ProviderRequest request, boolean partial) {
        requireWritable(id);
        SsoProvider existing = database.transaction(connection -> find(connection, id));
        if (existing == null) {
            throw notFound(id);
        }
        Validation validation = new Validation();
        if (request != null && request.id() != null && !request.id().equals(id)) {
            validation.problem("id", "cannot be changed (the path names the provider)");
        }
        SsoProvider provider = fromRequest(validation, id, request, partial ? existing : secretOnly(existing));
        validation.check();
        SsoProvider updated = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE gh_sso_providers SET issuer = ?, client_id = ?, "
                + "client_secret = ?, scopes = ?, tenant = ?, roles_claim = ?, enabled = ?, updated_at = ? WHERE id = ?")) {
                statement.setString(1, provider.issuer());
                statement.setString(2, provider.clientId());
                statement.setString(3, provider.clientSecret());
                statement.setString(4, String.join(" ", provider.scopes()));
                statement.setString(5, provider.tenant());
                statement.setString(6, provider.rolesClaim());
                statement.setBoolean(7, provider.enabled());
                statement.setLong(8, clock.instant().getEpochSecond());
                statement.setString(9, id);
                if (statement.executeUpdate() == 0) {
                    return null;
                }
            }
            IdentitySync.bump(connection, TOPIC);
            return find(connection, id);
        });
        if (updated == null) {
            throw notFound(id);
        }
        sync.announce(TOPIC, null);
        return updated;
    }

    void delete(String id) {
        requireWritable(id);
        boolean deleted = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM gh_sso_providers WHERE id = ?")) {
                statement.setString(1, id);
                if (statement.executeUpdate() == 0) {
                    return false;
                }
            }
            IdentitySync.bump(connection, TOPIC);
            return true;
        });
        if (!deleted) {
            throw notFound(id);
        }
        sync.announce(TOPIC, null);
    }

    /** On PUT only the secret carries over (it is never shown, so clients cannot send it back). */
    private static SsoProvider secretOnly(SsoProvider existing) {
        return new SsoProvider(existing.id(), null, null, existing.clientSecret(), SsoProviderConfiguration.DEFAULT_SCOPES, null,
            SsoProviderConfiguration.DEFAULT_ROLES_CLAIM, SsoProviderConfiguration.DEFAULT_ENABLED, SsoProvider.API,
            existing.createdAt(), existing.updatedAt());
    }

    private SsoProvider fromRequest(Validation validation, String id, ProviderRequest request, SsoProvider base) {
        ProviderRequest r = request == null ? new ProviderRequest(null, null, null, null, null, null, null, null) : request;
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return validate(validation, id,
            r.issuer() != null || base == null ? r.issuer() : base.issuer(),
            r.clientId() != null || base == null ? r.clientId() : base.clientId(),
            r.clientSecret() != null || base == null ? r.clientSecret() : base.clientSecret(),
            r.scopes() != null ? r.scopes() : base == null ? SsoProviderConfiguration.DEFAULT_SCOPES : base.scopes(),
            r.tenant() != null || base == null ? r.tenant() : base.tenant(),
            r.rolesClaim() != null ? r.rolesClaim() : base == null ? SsoProviderConfiguration.DEFAULT_ROLES_CLAIM : base.rolesClaim(),
            r.enabled() != null ? r.enabled() : base == null || base.enabled(),
            SsoProvider.API, base == null ? now : base.createdAt(), now);
    }

    private static SsoProvider validate(Validation validation, String id, String issuer, String clientId, String clientSecret,
                                        List<String> scopes, String tenant, String rolesClaim, boolean enabled, String source,
                                        Instant createdAt, Instant updatedAt) {
        String checkedId = validation.name("id", id, true);
        String checkedIssuer = issuer == null ? null : issuer.trim();
        if (checkedIssuer == null || checkedIssuer.isEmpty()) {
            validation.problem("issuer", "is required");
        } else {
            checkIssuer(validation, checkedIssuer);
        }
        if (clientId == null || clientId.isBlank()) {
            validation.problem("client_id", "is required");
        } else if (clientId.trim().length() > 256) {
            validation.problem("client_id", "must be at most 256 characters");
        }
        if (clientSecret == null || clientSecret.isEmpty()) {
            validation.problem("client_secret", "is required (the gateway authenticates at the token endpoint with client_secret_basic)");
        } else if (clientSecret.length() > 1024) {
            validation.problem("client_secret", "must be at most 1024 characters");
        }
        List<String> checkedScopes = validation.names("scopes", scopes);
        if (!checkedScopes.contains("openid")) {
            validation.problem("scopes", "must include openid");
        }
        String checkedTenant = validation.name("tenant", tenant, false);
        String checkedRoles = rolesClaim == null || rolesClaim.isBlank() ? SsoProviderConfiguration.DEFAULT_ROLES_CLAIM : rolesClaim.trim();
        if (checkedRoles.length() > 256 || checkedRoles.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            validation.problem("roles_claim", "must be a claim name or dotted path of at most 256 visible ASCII characters");
        }
        return new SsoProvider(checkedId == null ? "" : checkedId, checkedIssuer == null ? "" : checkedIssuer,
            clientId == null ? "" : clientId.trim(), clientSecret == null ? "" : clientSecret, checkedScopes, checkedTenant,
            checkedRoles, enabled, source, createdAt, updatedAt);
    }

    /** HTTPS, or HTTP on a loopback host (a provider on the same machine, as in tests); no query or fragment. */
    private static void checkIssuer(Validation validation, String issuer) {
        try {
            URI uri = new URI(issuer);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean loopback = uri.getHost() != null && LOOPBACK.contains(uri.getHost().toLowerCase(java.util.Locale.ROOT));
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && loopback)) {
                validation.problem("issuer", "must be an https URL (http only for localhost or 127.0.0.1)");
            } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                validation.problem("issuer", "must not have a query or fragment");
            } else if (issuer.length() > 1024) {
                validation.problem("issuer", "must be at most 1024 characters");
            }
        } catch (java.net.URISyntaxException e) {
            validation.problem("issuer", "must be an https URL (http only for localhost or 127.0.0.1)");
        }
    }

    private void requireWritable(String id) {
        if (configured.containsKey(id)) {
            throw new GatewayException(ErrorCode.CONFLICT, "SSO provider '" + id + "' comes from configuration ("
                + SsoProviderConfiguration.PREFIX + "." + id + ") and cannot be changed through the API.",
                Map.of("provider", id, "source", SsoProvider.CONFIGURATION), Map.of());
        }
    }

    private static GatewayException notFound(String id) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No SSO provider '" + id + "'.", Map.of("provider", id), Map.of());
    }

    private static SsoProvider find(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM gh_sso_providers WHERE id = ?")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? read(rows) : null;
            }
        }
    }

    private static void bind(PreparedStatement statement, SsoProvider provider) throws SQLException {
        statement.setString(1, provider.id());
        statement.setString(2, provider.issuer());
        statement.setString(3, provider.clientId());
        statement.setString(4, provider.clientSecret());
        statement.setString(5, String.join(" ", provider.scopes()));
        statement.setString(6, provider.tenant());
        statement.setString(7, provider.rolesClaim());
        statement.setBoolean(8, provider.enabled());
        statement.setLong(9, provider.createdAt().getEpochSecond());
        statement.setLong(10, provider.updatedAt().getEpochSecond());
    }

    private static SsoProvider read(ResultSet rows) throws SQLException {
        List<String> scopes = new ArrayList<>(List.of(rows.getString(5).split(" ")));
        scopes.removeIf(String::isEmpty);
        return new SsoProvider(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), scopes,
            rows.getString(6), rows.getString(7), rows.getBoolean(8), SsoProvider.API,
            Instant.ofEpochSecond(rows.getLong(9)), Instant.ofEpochSecond(rows.getLong(10)));
    }
}
