package io.gatehouse.identity.token;

import com.nimbusds.jwt.JWTClaimsSet;
import io.gatehouse.error.ErrorCode;
import io.gatehouse.error.GatewayException;
import io.gatehouse.identity.AdminPrincipal;
import io.gatehouse.identity.IdentityDatabase;
import io.gatehouse.identity.IdentityRedis;
import io.gatehouse.identity.IdentitySync;
import io.gatehouse.identity.Secrets;
import io.gatehouse.identity.Validation;
import io.gatehouse.security.jwt.JwtConfiguration;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Issues, lists, revokes and cleans up the gateway's own tokens. A token may carry a tenant, in
 * the claim the verifier reads it from ({@link JwtConfiguration#tenantClaim()}, {@code tenant} by
 * default); a tenant administrator issues, lists and revokes its tenant's tokens only. Blocking
 * (JDBC): call it off the event loop.
 */
@Singleton
public class TokenService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);

    private static final String COLUMNS = "jti, kind, project, service, subject, client_id, scope, issued_at, expires_at, revoked_at, tenant, "
        + "description, revoked_by, revocation_reason";

    /** The longest description and revocation reason, in characters (their columns' size). */
    static final int MAX_TEXT = 500;

    /** A {@code jti} to revoke: another issuer's may be a UUID, a ULID or hex; no spaces or control characters. */
    private static final java.util.regex.Pattern JTI = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,256}");

    private final IdentityDatabase database;
    private final IdentityRedis redis;
    private final IdentitySync sync;
    private final Revocations revocations;
    private final TokenSigner signer;
    private final TokenConfiguration configuration;
    private final RouteAcceptance routes;
    private final String tenantClaim;
    private final Clock clock = Clock.systemUTC();

    TokenService(IdentityDatabase database, IdentityRedis redis, IdentitySync sync, Revocations revocations,
                 TokenSigner signer, TokenConfiguration configuration, JwtConfiguration jwt, RouteAcceptance routes) {
        this.routes = routes;
        this.tenantClaim = jwt.tenantClaim();
        this.database = database;
        this.redis = redis;
        this.sync = sync;
        this.revocations = revocations;
        this.signer = signer;
        this.configuration = configuration;
    }

    /**
     * What to put in a token.
     *
     * @param kind     {@code service}, {@code oauth} or {@code session}
     * @param project  the {@code project} claim, or {@code null}
     * @param service  the {@code service} claim, or {@code null}
     * @param subject  the {@code sub} claim
     * @param clientId the {@code client_id} claim, or {@code null}
     * @param scope    the {@code scope} claim (space-separated), or {@code null}
     * @param lifetime how long it is valid
     * @param tenant   the tenant claim, or {@code null}
     * @param description what the token is for, or {@code null}
     */
    public record Grant(String kind, @Nullable String project, @Nullable String service, String subject,
                        @Nullable String clientId, @Nullable String scope, Duration lifetime, @Nullable String tenant,
                        @Nullable String description) {

        /**
         * A grant without a description.
         *
         * @param kind     {@code service}, {@code oauth} or {@code session}
         * @param project  the {@code project} claim, or {@code null}
         * @param service  the {@code service} claim, or {@code null}
         * @param subject  the {@code sub} claim
         * @param clientId the {@code client_id} claim, or {@code null}
         * @param scope    the {@code scope} claim (space-separated), or {@code null}
         * @param lifetime how long it is valid
         * @param tenant   the tenant claim, or {@code null}
         */
        public Grant(String kind, @Nullable String project, @Nullable String service, String subject,
                     @Nullable String clientId, @Nullable String scope, Duration lifetime, @Nullable String tenant) {
            this(kind, project, service, subject, clientId, scope, lifetime, tenant, null);
        }
    }

    /**
     * Validates a {@code POST /v1/tokens} body and issues the token.
     *
     * @param admin   who asks; a tenant administrator's tokens are of its tenant
     * @param request the body
     * @return the token, shown once, and its metadata
     * @throws GatewayException 400 when the body is not valid, 403 when it names another tenant
     */
    public IssuedToken issue(AdminPrincipal admin, TokenRequest request) {
        Validation validation = new Validation();
        String project = validation.name("project", request == null ? null : request.project(), true);
        String service = validation.name("service", request == null ? null : request.service(), true);
        String subject = request == null || request.subject() == null || request.subject().isBlank() ? null : request.subject().trim();
        if (subject != null && subject.length() > 256) {
            validation.problem("subject", "must be at most 256 characters");
        }
        String description = text(validation, "description", request == null ? null : request.description());
        Duration lifetime = lifetime(validation, request);
        String requested = validation.name("tenant", request == null ? null : request.tenant(), false);
        validation.check();
        String tenant = admin.stamp(requested, "token", project + "/" + service);
        if (configuration.isRequireAcceptingRoute()) {
            routes.requireAccepting(project, service, tenant);
        }
        return issue(new Grant("service", project, service, subject == null ? project + "/" + service : subject, null, null, lifetime,
            tenant, description));
    }

    /**
     * The lifetime a request asks for: {@code ttl}, {@code expires_in} or {@code expiresInDays},
     * the default when it names none. Several are accepted only when they name the same lifetime:
     * a client that sends the router's field and Gatehouse's must not get either silently.
     */
    private Duration lifetime(Validation validation, TokenRequest request) {
        Map<String, Duration> asked = new java.util.LinkedHashMap<>();
        if (request != null && request.ttl() != null) {
            Duration ttl = validation.duration("ttl", request.ttl());
            if (ttl != null) {
                asked.put("ttl", ttl);
            }
        }
        if (request != null && request.expiresIn() != null) {
            if (request.expiresIn() <= 0) {
                validation.problem("expires_in", "must be positive");
            } else {
                asked.put("expires_in", Duration.ofSeconds(request.expiresIn()));
            }
        }
        if (request != null && request.expiresInDays() != null) {
            if (request.expiresInDays() <= 0) {
                validation.problem("expiresInDays", "must be a positive number of days");
            } else if (request.expiresInDays() > configuration.getMaxLifetime().toDays()) {
                asked.put("expiresInDays", configuration.getMaxLifetime().plusDays(1));
            } else {
                asked.put("expiresInDays", Duration.ofDays(request.expiresInDays()));
            }
        }
        if (asked.isEmpty()) {
            return configuration.getDefaultLifetime();
        }
        if (asked.values().stream().distinct().count() > 1) {
            for (String field : asked.keySet()) {
                validation.problem(field, "names another lifetime than " + String.join(" and ",
                    asked.keySet().stream().filter(other -> !other.equals(field)).toList()) + "; give one of "
                    + String.join(", ", asked.keySet()) + ", or the same lifetime in each");
            }
            return configuration.getDefaultLifetime();
        }
        Map.Entry<String, Duration> first = asked.entrySet().iterator().next();
        if (first.getValue().compareTo(configuration.getMaxLifetime()) > 0) {
            for (String field : asked.keySet()) {
                validation.problem(field, "must not exceed the maximum lifetime of " + configuration.getMaxLifetime().toDays()
                    + " days (" + configuration.getMaxLifetime().toSeconds() + " s)");
            }
        }
        return first.getValue();
    }

    /** Free text of at most {@value #MAX_TEXT} characters, without control characters; {@code null} when blank. */
    private static String text(Validation validation, String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() > MAX_TEXT) {
            validation.problem(field, "must be at most " + MAX_TEXT + " characters");
        } else if (trimmed.chars().anyMatch(Character::isISOControl)) {
            validation.problem(field, "must not contain control characters");
        }
        return trimmed;
    }

    /**
     * Signs and records a token.
     *
     * @param grant what to put in it
     * @return the token, shown once, and its metadata
     */
    public IssuedToken issue(Grant grant) {
        Instant issuedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(grant.lifetime());
        String jti = Secrets.randomHex(16);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .jwtID(jti)
            .issuer(configuration.getIssuer())
            .subject(grant.subject())
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(expiresAt));
        if (grant.project() != null) {
            claims.claim("project", grant.project());
        }
        if (grant.service() != null) {
            claims.claim("service", grant.service());
        }
        if (grant.clientId() != null) {
            claims.claim("client_id", grant.clientId());
        }
        if (grant.scope() != null) {
            claims.claim("scope", grant.scope());
        }
        if (grant.tenant() != null) {
            claims.claim(tenantClaim, grant.tenant());
        }
        String token = signer.sign(claims.build());
        TokenMetadata metadata = new TokenMetadata(jti, grant.kind(), grant.project(), grant.service(), grant.subject(),
            grant.clientId(), grant.scope(), issuedAt, expiresAt, grant.tenant(), grant.description());
        insert(metadata);
        return new IssuedToken(token, "Bearer", grant.lifetime().toSeconds(), metadata);
    }

    /**
     * Records a credential the gateway signs elsewhere (a session value, signed with the session
     * secret), so that it is listed with the tokens and {@link #revoke} ends it everywhere.
     *
     * @param grant what the credential is: kind, subject, scope and lifetime
     * @return its metadata, with a new random {@code jti} to put in the credential
     */
    public TokenMetadata record(Grant grant) {
        Instant issuedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TokenMetadata metadata = new TokenMetadata(Secrets.randomHex(16), grant.kind(), grant.project(), grant.service(),
            grant.subject(), grant.clientId(), grant.scope(), issuedAt, issuedAt.plus(grant.lifetime()), grant.tenant(), grant.description());
        insert(metadata);
        return metadata;
    }

    private void insert(TokenMetadata metadata) {
        database.transaction(connection -> {
            insert(connection, metadata);
            return null;
        });
    }

    private static void insert(java.sql.Connection connection, TokenMetadata metadata) throws SQLException {
        {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO gh_tokens (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                statement.setString(1, metadata.jti());
                statement.setString(2, metadata.kind());
                statement.setString(3, metadata.project());
                statement.setString(4, metadata.service());
                statement.setString(5, metadata.subject());
                statement.setString(6, metadata.clientId());
                statement.setString(7, metadata.scope());
                if (metadata.issuedAt() == null) {
                    statement.setNull(8, Types.BIGINT);
                } else {
                    statement.setLong(8, metadata.issuedAt().getEpochSecond());
                }
                statement.setLong(9, metadata.expiresAt().getEpochSecond());
                if (metadata.revokedAt() == null) {
                    statement.setNull(10, Types.BIGINT);
                } else {
                    statement.setLong(10, metadata.revokedAt().getEpochSecond());
                }
                statement.setString(11, metadata.tenant());
                statement.setString(12, metadata.description());
                statement.setString(13, metadata.revokedBy());
                statement.setString(14, metadata.revocationReason());
                statement.executeUpdate();
            }
        }
    }

    /**
     * @param admin   who asks; a tenant administrator sees its tenant's tokens only
     * @param project only this project's tokens, or {@code null} for all
     * @return the tokens neither expired nor revoked, newest first
     */
    public List<TokenMetadata> active(AdminPrincipal admin, @Nullable String project) {
        long now = clock.instant().getEpochSecond();
        return database.transaction(connection -> {
            String sql = "SELECT " + COLUMNS + " FROM gh_tokens WHERE revoked_at IS NULL AND expires_at > ?"
                + (project == null ? "" : " AND project = ?") + (admin.global() ? "" : " AND tenant = ?")
                + " ORDER BY issued_at DESC, jti";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int index = 1;
                statement.setLong(index++, now);
                if (project != null) {
                    statement.setString(index++, project);
                }
                if (!admin.global()) {
                    statement.setString(index, admin.tenant());
                }
                List<TokenMetadata> out = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        out.add(read(rows));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Revokes a token the gateway recorded, without a reason (a session's logout).
     *
     * @param admin who asks
     * @param jti   the token's {@code jti}
     * @return the token's metadata, revoked
     * @throws GatewayException 404 when the gateway never recorded it or it was cleaned up
     * @see #revoke(AdminPrincipal, String, RevocationRequest)
     */
    public TokenMetadata revoke(AdminPrincipal admin, String jti) {
        return revoke(admin, jti, null, false);
    }

    /**
     * Revokes a token everywhere: stored in the database, added to this instance's set, added to
     * Redis and announced (see {@link IdentitySync}). Revoking again announces again and keeps
     * who revoked it first, when and why.
     *
     * <p>A {@code jti} the gateway did not issue is a token another issuer signed with the shared
     * secret (before the migration): it is recorded as a {@code foreign} row, kept until the
     * {@code expires_at} the request gives or {@code gateway.tokens.max-lifetime} from now. A
     * tenant administrator's foreign revocation stops that tenant's token with that {@code jti} only.
     *
     * @param admin   who asks; a tenant administrator revokes its tenant's tokens only
     * @param jti     the token's {@code jti}
     * @param request the reason, and a foreign token's expiry; may be {@code null}
     * @return the token's metadata, revoked
     * @throws GatewayException 400 for an unusable jti, reason or expiry, 403 {@code cross_tenant}
     */
    public TokenMetadata revoke(AdminPrincipal admin, String jti, @Nullable RevocationRequest request) {
        return revoke(admin, jti, request, true);
    }

    private TokenMetadata revoke(AdminPrincipal admin, String jti, @Nullable RevocationRequest request, boolean foreign) {
        Validation validation = new Validation();
        if (jti == null || !JTI.matcher(jti).matches()) {
            validation.problem("jti", "must be 1-256 visible ASCII characters without spaces");
        }
        String reason = text(validation, "reason", request == null ? null : request.reason());
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant foreignExpiry = request == null ? null : request.expiresAt();
        if (foreignExpiry != null && !foreignExpiry.isAfter(now)) {
            validation.problem("expires_at", "is not in the future: a token that has expired is refused anyway");
        }
        validation.check();
        TokenMetadata token = database.transaction(connection -> {
            TokenMetadata found = find(connection, jti);
            if (found == null && !foreign) {
                throw new GatewayException(ErrorCode.NOT_FOUND, "No token with jti '" + jti + "'.", Map.of("jti", jti), Map.of());
            }
            if (found == null) {
                found = new TokenMetadata(jti, TokenMetadata.FOREIGN, null, null, null, null, null, null,
                    foreignExpiry != null ? foreignExpiry : now.plus(configuration.getMaxLifetime()), now, admin.tenant(), null,
                    admin.subject(), reason);
                insert(connection, found);
                IdentitySync.bump(connection, Revocations.TOPIC);
                return found;
            }
            admin.check(found.tenant(), "token", jti);
            if (foreignExpiry != null && !TokenMetadata.FOREIGN.equals(found.kind())) {
                throw new GatewayException(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    Map.of("violations", List.of(Map.of("field", "expires_at", "message",
                        "applies only to a token this gateway did not issue; this one expires at " + found.expiresAt()))), Map.of());
            }
            if (found.revokedAt() == null) {
                try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE gh_tokens SET revoked_at = ?, revoked_by = ?, revocation_reason = ? WHERE jti = ?")) {
                    statement.setLong(1, now.getEpochSecond());
                    statement.setString(2, admin.subject());
                    statement.setString(3, reason);
                    statement.setString(4, jti);
                    statement.executeUpdate();
                }
                IdentitySync.bump(connection, Revocations.TOPIC);
                found = find(connection, jti);
            }
            return found;
        });
        Revocations.Entry entry = Revocations.entry(token.expiresAt().getEpochSecond(), token.kind(), token.tenant());
        revocations.add(jti, entry);
        if (redis.configured()) {
            try {
                redis.await(redis.async().zadd(redis.key("revoked"), entry.expiresAt(), entry.member(jti)));
            } catch (Exception e) {
                LOG.warn("Revocation of {} is stored but not cached in Redis: {}", jti, e.getMessage());
                throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The revocation is stored but could not be announced to other instances; repeat the request.",
                    Map.of("store", "redis"), Map.of("Retry-After", "1"));
            }
        }
        sync.announce(Revocations.TOPIC, entry.tenant() == null ? jti + " " + entry.expiresAt()
            : jti + " " + entry.expiresAt() + " " + entry.tenant());
        return token;
    }

    /**
     * @param admin who asks; a tenant administrator sees its tenant's tokens only
     * @param jti   a token's {@code jti}
     * @return what is kept about it, revoked or not, until it is cleaned up
     * @throws GatewayException 404 when the gateway knows no such token (or it is another tenant's)
     */
    public TokenMetadata get(AdminPrincipal admin, String jti) {
        TokenMetadata found = database.transaction(connection -> find(connection, jti));
        if (found == null || !admin.reaches(found.tenant())) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No token with jti '" + jti + "'.", Map.of("jti", jti), Map.of());
        }
        return found;
    }

    /**
     * Deletes every expired token, revoked or not (an expired token is refused anyway).
     *
     * @return how many were deleted
     */
    public int cleanup() {
        long now = clock.instant().getEpochSecond();
        int deleted = database.transaction(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("DELETE FROM gh_tokens WHERE expires_at <= ?")) {
                statement.setLong(1, now);
                return statement.executeUpdate();
            }
        });
        if (redis.configured()) {
            try {
                redis.await(redis.async().zremrangebyscore(redis.key("revoked"),
                    io.lettuce.core.Range.from(io.lettuce.core.Range.Boundary.unbounded(), io.lettuce.core.Range.Boundary.including(now))));
            } catch (Exception e) {
                LOG.debug("Expired revocations stay in Redis until the next cleanup: {}", e.getMessage());
            }
        }
        return deleted;
    }

    private static TokenMetadata find(java.sql.Connection connection, String jti) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM gh_tokens WHERE jti = ?")) {
            statement.setString(1, jti);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? read(rows) : null;
            }
        }
    }

    private static TokenMetadata read(ResultSet rows) throws SQLException {
        long issued = rows.getLong(8);
        Instant issuedAt = rows.wasNull() ? null : Instant.ofEpochSecond(issued);
        long revoked = rows.getLong(10);
        Instant revokedAt = rows.wasNull() ? null : Instant.ofEpochSecond(revoked);
        return new TokenMetadata(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
            rows.getString(6), rows.getString(7), issuedAt, Instant.ofEpochSecond(rows.getLong(9)), revokedAt,
            rows.getString(11), rows.getString(12), rows.getString(13), rows.getString(14));
    }
}
