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
    static final String COLUMNS = "id, issuer, client_id, client_secret, scopes, tenant, roles_claim, enabled, created_at, updated_at, "
        + "auto_provision, allowed_domains, default_roles, groups_claim, group_roles";
    /** The columns an update writes, in the order {@link #bindSettings} binds them. */
    static final String SETTINGS = "issuer, client_id, client_secret, scopes, tenant, roles_claim, enabled, updated_at, "
        + "auto_provision, allowed_domains, default_roles, groups_claim, group_roles";
    private static final java.util.regex.Pattern DOMAIN =
        java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int MAX_GROUP_LENGTH = 256;
    private static final int MAX_LIST_LENGTH = 4000;
    private static final int MAX_GROUP_ROLES_LENGTH = 16000;

    private final Map<String, SsoProvider> configured;
    private final IdentityDatabase database;
    private volatile Map<String, SsoProvider> stored = Map.of();

    SsoProviders(List<SsoProviderConfiguration> configurations, IdentityDatabase database) {
        Map<String, SsoProvider> fromConfiguration = new LinkedHashMap<>();
        for (SsoProviderConfiguration c : configurations) {
            Validation validation = new Validation();
            SsoProvider provider = validate(validation, new SsoProvider(c.getId(), c.getIssuer(), c.getClientId(), c.getClientSecret(),
                c.getScopes(), c.getTenant(), c.getRolesClaim(), c.isEnabled(), SsoProvider.CONFIGURATION, null, null,
                new SsoProvider.Provisioning(c.isAutoProvision(), c.getAllowedDomains(), c.getDefaultRoles(), c.getGroupsClaim(),
                    groupRoles(c.getGroupRoles()))));
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

    /**
     * Checks and normalises a provider as given (configuration or API), naming each bad field as
     * the API spells it.
     *
     * @param validation where problems go
     * @param raw        the provider as given: fields may be {@code null} or untrimmed
     * @return the provider to use once {@code validation} passes
     */
    static SsoProvider validate(Validation validation, SsoProvider raw) {
        String checkedId = validation.name("id", raw.id(), true);
        String issuer = raw.issuer();
        String clientId = raw.clientId();
        String clientSecret = raw.clientSecret();
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
        List<String> checkedScopes = validation.names("scopes", raw.scopes());
        if (!checkedScopes.contains("openid")) {
            validation.problem("scopes", "must include openid");
        }
        String checkedTenant = validation.name("tenant", raw.tenant(), false);
        String checkedRoles = claimPath(validation, "roles_claim", raw.rolesClaim(), SsoProviderConfiguration.DEFAULT_ROLES_CLAIM);
        SsoProvider.Provisioning p = raw.provisioning();
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < p.allowedDomains().size(); i++) {
            String domain = p.allowedDomains().get(i);
            String normalised = domain == null ? "" : domain.trim().toLowerCase(java.util.Locale.ROOT);
            if (!DOMAIN.matcher(normalised).matches() || normalised.length() > 253) {
                validation.problem("allowed_domains[" + i + "]", "must be a domain name such as example.com (no @, no wildcard)");
            } else if (!domains.contains(normalised)) {
                domains.add(normalised);
            }
        }
        List<String> defaultRoles = validation.names("default_roles", p.defaultRoles());
        String groupsClaim = claimPath(validation, "groups_claim", p.groupsClaim(), SsoProviderConfiguration.DEFAULT_GROUPS_CLAIM);
        Map<String, List<String>> groupRoles = new LinkedHashMap<>();
        p.groupRoles().forEach((group, roles) -> {
            if (group == null || group.isBlank() || group.length() > MAX_GROUP_LENGTH || group.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                validation.problem("group_roles", "group names must be 1-" + MAX_GROUP_LENGTH + " characters without control characters");
                return;
            }
            List<String> checked = validation.names("group_roles." + group, roles);
            if (checked.isEmpty()) {
                validation.problem("group_roles." + group, "must name at least one role");
            }
            groupRoles.put(group, checked);
        });
        // The columns' sizes (V17__sso_provisioning.sql).
        if (String.join(" ", domains).length() > MAX_LIST_LENGTH) {
            validation.problem("allowed_domains", "must be at most " + MAX_LIST_LENGTH + " characters in all");
        }
        if (String.join(" ", defaultRoles).length() > MAX_LIST_LENGTH) {
            validation.problem("default_roles", "must be at most " + MAX_LIST_LENGTH + " characters in all");
        }
        if (com.nimbusds.jose.util.JSONObjectUtils.toJSONString(new LinkedHashMap<String, Object>(groupRoles)).length() > MAX_GROUP_ROLES_LENGTH) {
            validation.problem("group_roles", "must be at most " + MAX_GROUP_ROLES_LENGTH + " characters as JSON");
        }
        return new SsoProvider(checkedId == null ? "" : checkedId, checkedIssuer == null ? "" : checkedIssuer,
            clientId == null ? "" : clientId.trim(), clientSecret == null ? "" : clientSecret, checkedScopes, checkedTenant,
            checkedRoles, raw.enabled(), raw.source(), raw.createdAt(), raw.updatedAt(),
            new SsoProvider.Provisioning(p.autoProvision(), domains, defaultRoles, groupsClaim, groupRoles));
    }

    private static String claimPath(Validation validation, String field, String value, String fallback) {
        String checked = value == null || value.isBlank() ? fallback : value.trim();
        if (checked.length() > 256 || checked.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            validation.problem(field, "must be a claim name or dotted path of at most 256 visible ASCII characters");
        }
        return checked;
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
        return new SsoProvider(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), words(rows.getString(5)),
            rows.getString(6), rows.getString(7), rows.getBoolean(8), SsoProvider.API,
            Instant.ofEpochSecond(rows.getLong(9)), Instant.ofEpochSecond(rows.getLong(10)),
            new SsoProvider.Provisioning(rows.getBoolean(11), words(rows.getString(12)), words(rows.getString(13)), rows.getString(14),
                fromJson(rows.getString(15))));
    }

    /**
     * Binds a provider's changeable columns, in the order of {@link #SETTINGS}.
     *
     * @param statement an INSERT or UPDATE
     * @param first     the index of the first column bound
     * @param provider  the provider
     * @param updatedAt when it changes
     * @return the next index
     * @throws SQLException when binding fails
     */
    static int bindSettings(PreparedStatement statement, int first, SsoProvider provider, Instant updatedAt) throws SQLException {
        int i = first;
        statement.setString(i++, provider.issuer());
        statement.setString(i++, provider.clientId());
        statement.setString(i++, provider.clientSecret());
        statement.setString(i++, String.join(" ", provider.scopes()));
        statement.setString(i++, provider.tenant());
        statement.setString(i++, provider.rolesClaim());
        statement.setBoolean(i++, provider.enabled());
        statement.setLong(i++, updatedAt.getEpochSecond());
        SsoProvider.Provisioning p = provider.provisioning();
        statement.setBoolean(i++, p.autoProvision());
        statement.setString(i++, String.join(" ", p.allowedDomains()));
        statement.setString(i++, String.join(" ", p.defaultRoles()));
        statement.setString(i++, p.groupsClaim());
        statement.setString(i++, com.nimbusds.jose.util.JSONObjectUtils.toJSONString(new LinkedHashMap<String, Object>(p.groupRoles())));
        return i;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>(List.of(text == null ? new String[0] : text.split(" ")));
        words.removeIf(String::isEmpty);
        return words;
    }

    private static Map<String, List<String>> fromJson(String json) throws SQLException {
        try {
            return groupRoles(com.nimbusds.jose.util.JSONObjectUtils.parse(json == null || json.isBlank() ? "{}" : json));
        } catch (java.text.ParseException e) {
            throw new SQLException("gh_sso_providers.group_roles is not a JSON object", e);
        }
    }

    /**
     * @param map group names to role lists, as configuration or JSON bind them (a list, or a comma-separated string)
     * @return the same with string lists
     */
    static Map<String, List<String>> groupRoles(Map<String, ?> map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((group, roles) -> out.put(group, roles instanceof java.util.Collection<?> list
                ? list.stream().map(String::valueOf).toList()
                : roles == null ? List.of() : words(String.valueOf(roles).replace(',', ' '))));
        }
        return out;
    }
}
