package io.gatehouse.identity.sso;

import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Validation;
import io.gatehouse.identity.sso.SsoModels.ProviderRequest;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * SSO providers in the database: what {@code /admin/sso-providers} does. Configured providers are
 * read-only (409). Every change bumps the {@value SsoProviders#TOPIC} version in its transaction and
 * is announced through {@link IdentitySync}, so every instance's {@link SsoProviders} sees it within
 * a second. Blocking.
 */
@Singleton
final class SsoProviderService {

    private final SsoProviders providers;
    private final IdentityDatabase database;
    private final IdentitySync sync;
    private final Clock clock = Clock.systemUTC();

    SsoProviderService(SsoProviders providers, IdentityDatabase database, IdentitySync sync) {
        this.providers = providers;
        this.database = database;
        this.sync = sync;
    }

    SsoProvider get(String id) {
        return providers.find(id).orElseThrow(() -> notFound(id));
    }

    SsoProvider create(ProviderRequest body) {
        Validation validation = new Validation();
        ProviderRequest request = body == null ? null : body.resolve(validation);
        SsoProvider provider = fromRequest(validation, request == null ? null : request.id(), request, null);
        validation.check();
        requireWritable(provider.id());
        SsoProvider created = database.transaction(connection -> {
            if (find(connection, provider.id()) != null) {
                return null;
            }
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO gh_sso_providers (id, created_at, "
                + SsoProviders.SETTINGS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, provider.id());
                statement.setLong(2, provider.createdAt().getEpochSecond());
                SsoProviders.bindSettings(statement, 3, provider, provider.updatedAt());
                statement.executeUpdate();
            }
            IdentitySync.bump(connection, SsoProviders.TOPIC);
            return find(connection, provider.id());
        });
        if (created == null) {
            throw new GatewayException(ErrorCode.CONFLICT, "SSO provider '" + provider.id() + "' already exists.",
                Map.of("provider", provider.id()), Map.of());
        }
        sync.announce(SsoProviders.TOPIC, null);
        return created;
    }

    /**
     * @param id      the provider
     * @param request the new values
     * @param partial PATCH (absent fields keep their values) rather than PUT (absent fields take defaults)
     * @return the provider as stored
     */
    SsoProvider update(String id, ProviderRequest body, boolean partial) {
        requireWritable(id);
        SsoProvider existing = database.transaction(connection -> find(connection, id));
        if (existing == null) {
            throw notFound(id);
        }
        Validation validation = new Validation();
        ProviderRequest request = body == null ? null : body.resolve(validation);
        if (request != null && request.id() != null && !request.id().equals(id)) {
            validation.problem("id", "cannot be changed (the path names the provider)");
        }
        SsoProvider provider = fromRequest(validation, id, request, partial ? existing : secretOnly(existing));
        validation.check();
        SsoProvider updated = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE gh_sso_providers SET "
                + SsoProviders.SETTINGS.replace(",", " = ?,") + " = ? WHERE id = ?")) {
                int next = SsoProviders.bindSettings(statement, 1, provider, clock.instant());
                statement.setString(next, id);
                if (statement.executeUpdate() == 0) {
                    return null;
                }
            }
            IdentitySync.bump(connection, SsoProviders.TOPIC);
            return find(connection, id);
        });
        if (updated == null) {
            throw notFound(id);
        }
        sync.announce(SsoProviders.TOPIC, null);
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
            IdentitySync.bump(connection, SsoProviders.TOPIC);
            return true;
        });
        if (!deleted) {
            throw notFound(id);
        }
        sync.announce(SsoProviders.TOPIC, null);
    }

    /** On PUT only the secret carries over (it is never shown, so clients cannot send it back). */
    private static SsoProvider secretOnly(SsoProvider existing) {
        return new SsoProvider(existing.id(), null, null, existing.clientSecret(), SsoProviderConfiguration.DEFAULT_SCOPES, null,
            SsoProviderConfiguration.DEFAULT_ROLES_CLAIM, SsoProviderConfiguration.DEFAULT_ENABLED, SsoProvider.API,
            existing.createdAt(), existing.updatedAt(), SsoProvider.Provisioning.DEFAULT);
    }

    /**
     * @param validation where problems go
     * @param id         the provider's id (from the path or the body)
     * @param request    the request, already {@linkplain ProviderRequest#resolve resolved} to Gatehouse's fields
     * @param base       what absent fields keep (PATCH: the stored provider; PUT: defaults and the secret), or {@code null} on POST
     */
    private SsoProvider fromRequest(Validation validation, String id, ProviderRequest request, SsoProvider base) {
        ProviderRequest r = request == null ? ProviderRequest.EMPTY : request;
        SsoProvider b = base == null ? new SsoProvider(id, null, null, null, SsoProviderConfiguration.DEFAULT_SCOPES, null,
            SsoProviderConfiguration.DEFAULT_ROLES_CLAIM, SsoProviderConfiguration.DEFAULT_ENABLED, SsoProvider.API, null, null,
            SsoProvider.Provisioning.DEFAULT) : base;
        SsoProvider.Provisioning p = b.provisioning();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return SsoProviders.validate(validation, new SsoProvider(id,
            or(r.issuer(), b.issuer()), or(r.clientId(), b.clientId()), or(r.clientSecret(), b.clientSecret()),
            or(r.scopes(), b.scopes()), or(r.tenant(), b.tenant()), or(r.rolesClaim(), b.rolesClaim()), or(r.enabled(), b.enabled()),
            SsoProvider.API, base == null ? now : base.createdAt(), now,
            new SsoProvider.Provisioning(or(r.autoProvision(), p.autoProvision()), or(r.allowedDomains(), p.allowedDomains()),
                or(r.defaultRoles(), p.defaultRoles()), or(r.groupsClaim(), p.groupsClaim()), or(r.groupRoles(), p.groupRoles()))));
    }

    private static <T> T or(T given, T kept) {
        return given != null ? given : kept;
    }

    private void requireWritable(String id) {
        if (providers.configured(id)) {
            throw new GatewayException(ErrorCode.CONFLICT, "SSO provider '" + id + "' comes from configuration ("
                + SsoProviderConfiguration.PREFIX + "." + id + ") and cannot be changed through the API.",
                Map.of("provider", id, "source", SsoProvider.CONFIGURATION), Map.of());
        }
    }

    private static GatewayException notFound(String id) {
        return new GatewayException(ErrorCode.NOT_FOUND, "No SSO provider '" + id + "'.", Map.of("provider", id), Map.of());
    }

    private static SsoProvider find(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + SsoProviders.COLUMNS + " FROM gh_sso_providers WHERE id = ?")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? SsoProviders.read(rows) : null;
            }
        }
    }
}
