package io.gatehouse.identity.sso;

import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Validation;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;

import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * {@value #TOPIC} (as consumers are): a provider added, changed or removed on one instance
 * ({@link SsoProviderService}) is used by every instance within a second, without a restart.
 * Reads are in memory.
 */
@Singleton
public class SsoProviders implements IdentitySync.Cache {

    /** The change topic of SSO providers. */
    public static final String TOPIC = "sso-providers";

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    static final String COLUMNS = "id, issuer, client_id, client_secret, scopes, tenant, roles_claim, enabled, created_at, updated_at";

    private final Map<String, SsoProvider> configured;
    private final IdentityDatabase database;
    private volatile Map<String, SsoProvider> stored = Map.of();

    SsoProviders(List<SsoProviderConfiguration> configurations, IdentityDatabase database) {
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

    /**
     * @param id a provider id
     * @return whether it comes from configuration (read-only through the API)
     */
    boolean configured(String id) {
        return configured.containsKey(id);
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

    static SsoProvider validate(Validation validation, String id, String issuer, String clientId, String clientSecret,
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

    static SsoProvider read(ResultSet rows) throws SQLException {
        List<String> scopes = new ArrayList<>(List.of(rows.getString(5).split(" ")));
        scopes.removeIf(String::isEmpty);
        return new SsoProvider(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), scopes,
            rows.getString(6), rows.getString(7), rows.getBoolean(8), SsoProvider.API,
            Instant.ofEpochSecond(rows.getLong(9)), Instant.ofEpochSecond(rows.getLong(10)));
    }
}
