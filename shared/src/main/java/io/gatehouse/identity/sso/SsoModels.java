package io.gatehouse.identity.sso;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * The JSON of {@code /admin/sso-providers} and {@code /v1/auth/*}.
 */
final class SsoModels {

    private SsoModels() {
    }

    /**
     * A provider to create (POST), replace (PUT) or change (PATCH: only the fields present).
     *
     * @param id           the id (POST only; the path names it otherwise)
     * @param issuer       the issuer URL
     * @param clientId     the client id
     * @param clientSecret the client secret; on PUT and PATCH, absent keeps the stored one
     * @param scopes       the scopes; absent means {@code [openid, profile, email]}
     * @param tenant       a fixed tenant, or absent
     * @param rolesClaim   the roles claim or path; absent means {@code roles}
     * @param enabled      absent means {@code true}
     */
    @Serdeable
    record ProviderRequest(@Nullable String id, @Nullable String issuer, @Nullable @JsonProperty("client_id") String clientId,
                           @Nullable @JsonProperty("client_secret") String clientSecret, @Nullable List<String> scopes,
                           @Nullable String tenant, @Nullable @JsonProperty("roles_claim") String rolesClaim,
                           @Nullable Boolean enabled) {
    }

    /**
     * A provider as the API shows it: everything but the client secret.
     *
     * @param id              the id
     * @param issuer          the issuer
     * @param clientId        the client id
     * @param clientSecretSet whether a client secret is stored (it is never shown)
     * @param scopes          the scopes
     * @param tenant          the fixed tenant, or absent
     * @param rolesClaim      the roles claim or path
     * @param enabled         whether logins are accepted
     * @param source          {@code configuration} (read-only) or {@code api}
     * @param loginPath       where a browser starts a login with it
     * @param createdAt       when it was added (API providers)
     * @param updatedAt       when it was last changed (API providers)
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProviderView(String id, String issuer, @JsonProperty("client_id") String clientId,
                        @JsonProperty("client_secret_set") boolean clientSecretSet, List<String> scopes,
                        @Nullable String tenant, @JsonProperty("roles_claim") String rolesClaim, boolean enabled,
                        String source, @JsonProperty("login_path") String loginPath,
                        @Nullable @JsonProperty("created_at") Instant createdAt,
                        @Nullable @JsonProperty("updated_at") Instant updatedAt) {

        static ProviderView of(SsoProvider provider) {
            return new ProviderView(provider.id(), provider.issuer(), provider.clientId(),
                provider.clientSecret() != null && !provider.clientSecret().isEmpty(), provider.scopes(), provider.tenant(),
                provider.rolesClaim(), provider.enabled(), provider.source(), LoginController.LOGIN_PATH + provider.id(),
                provider.createdAt(), provider.updatedAt());
        }
    }

    /**
     * @param providers every provider, by id
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProviderList(List<ProviderView> providers) {
    }

    /**
     * The user of the current session ({@code GET /v1/auth/session}).
     *
     * @param userId    the gateway's id of the user
     * @param provider  the provider logged in with
     * @param subject   the user's subject there
     * @param email     the email, or absent
     * @param name      the name, or absent
     * @param tenant    the tenant, or absent
     * @param roles     the roles
     * @param scope     the scopes granted at login, or absent
     * @param expiresAt when the session ends
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SessionView(@JsonProperty("user_id") String userId, String provider, String subject, @Nullable String email,
                       @Nullable String name, @Nullable String tenant, List<String> roles, @Nullable String scope,
                       @JsonProperty("expires_at") Instant expiresAt) {
    }

    /**
     * The answer to {@code POST /v1/auth/logout}.
     *
     * @param loggedOut     whether a session was ended (false when the request had none)
     * @param endSessionUrl where to send the browser to end the provider's session too, when it has an end-session endpoint
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LogoutView(@JsonProperty("logged_out") boolean loggedOut, @Nullable @JsonProperty("end_session_url") String endSessionUrl) {
    }
}
