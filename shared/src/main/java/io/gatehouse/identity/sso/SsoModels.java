package io.gatehouse.identity.sso;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.gatehouse.identity.Validation;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code /admin/sso-providers} and {@code /v1/auth/*}.
 */
final class SsoModels {

    private SsoModels() {
    }

    /**
     * A provider to create (POST), replace (PUT) or change (PATCH: only the fields present), in
     * Gatehouse's shape or in the SSO gateway's ({@code name}, {@code type},
     * {@code oidc_client_id}, {@code oidc_client_secret}, {@code oidc_metadata_url},
     * {@code oidc_scopes}, {@code config}), which {@link #resolve} maps onto Gatehouse's fields.
     *
     * @param id               the id (POST only; the path names it otherwise)
     * @param issuer           the issuer URL
     * @param clientId         the client id
     * @param clientSecret     the client secret; on PUT and PATCH, absent keeps the stored one
     * @param scopes           the scopes; absent means {@code [openid, profile, email]}
     * @param tenant           a fixed tenant, or absent
     * @param rolesClaim       the roles claim or path; absent means {@code roles}
     * @param enabled          absent means {@code true}
     * @param type             the protocol: {@code oidc}, the only one (absent means {@code oidc})
     * @param autoProvision    whether first logins create users; absent means {@code true}
     * @param allowedDomains   the email domains admitted; absent means every domain
     * @param defaultRoles     roles every user gets
     * @param groupsClaim      the groups claim or path; absent means {@code groups}
     * @param groupRoles       roles per group
     * @param name             the SSO gateway's {@code id}
     * @param oidcClientId     the SSO gateway's {@code client_id}
     * @param oidcClientSecret the SSO gateway's {@code client_secret}
     * @param oidcMetadataUrl  the SSO gateway's discovery URL: the issuer followed by {@value #DISCOVERY_SUFFIX}
     * @param oidcScopes       the SSO gateway's {@code scopes}: a list, or one space-separated string
     * @param config           the SSO gateway's further settings: the keys of {@link #CONFIG_KEYS}
     */
    @Serdeable
    record ProviderRequest(@Nullable String id, @Nullable String issuer, @Nullable @JsonProperty("client_id") String clientId,
                           @Nullable @JsonProperty("client_secret") String clientSecret, @Nullable List<String> scopes,
                           @Nullable String tenant, @Nullable @JsonProperty("roles_claim") String rolesClaim,
                           @Nullable Boolean enabled, @Nullable String type,
                           @Nullable @JsonProperty("auto_provision") Boolean autoProvision,
                           @Nullable @JsonProperty("allowed_domains") List<String> allowedDomains,
                           @Nullable @JsonProperty("default_roles") List<String> defaultRoles,
                           @Nullable @JsonProperty("groups_claim") String groupsClaim,
                           @Nullable @JsonProperty("group_roles") Map<String, List<String>> groupRoles,
                           @Nullable String name,
                           @Nullable @JsonProperty("oidc_client_id") String oidcClientId,
                           @Nullable @JsonProperty("oidc_client_secret") String oidcClientSecret,
                           @Nullable @JsonProperty("oidc_metadata_url") String oidcMetadataUrl,
                           @Schema(ref = "#/components/schemas/SsoScopes") @Nullable @JsonProperty("oidc_scopes") Object oidcScopes,
                           @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) @Nullable Map<String, Object> config) {

        /** What the SSO gateway's {@code oidc_metadata_url} ends with: the issuer comes before it. */
        static final String DISCOVERY_SUFFIX = "/.well-known/openid-configuration";

        /** The keys {@code config} may carry: Gatehouse's fields that the SSO gateway's body has no field for. */
        static final List<String> CONFIG_KEYS = List.of("auto_provision", "group_roles", "groups_claim", "roles_claim", "tenant");

        /** A request with no field. */
        static final ProviderRequest EMPTY = new ProviderRequest(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

        /**
         * Maps the SSO gateway's fields onto Gatehouse's. A field given in both spellings, a
         * {@code type} other than {@code oidc}, a metadata URL that is not a discovery URL and a
         * {@code config} key outside {@link #CONFIG_KEYS} are problems named by the field sent;
         * problems found later in a mapped field are reported under the name sent too.
         *
         * @param validation where problems go
         * @return the request in Gatehouse's fields alone
         */
        ProviderRequest resolve(Validation validation) {
            if (type != null && !SsoProvider.TYPE_OIDC.equalsIgnoreCase(type.trim())) {
                validation.problem("type", "'" + clean(type) + "' is not supported: Gatehouse logs in with OpenID Connect "
                    + "providers only (type oidc); SAML is not built yet");
            }
            String resolvedIssuer = issuer;
            if (oidcMetadataUrl != null) {
                String url = oidcMetadataUrl.trim();
                if (!url.endsWith(DISCOVERY_SUFFIX) || url.length() == DISCOVERY_SUFFIX.length()) {
                    validation.problem("oidc_metadata_url", "must be the provider's discovery URL, <issuer>" + DISCOVERY_SUFFIX);
                }
                resolvedIssuer = either(validation, "issuer", issuer, "oidc_metadata_url",
                    url.endsWith(DISCOVERY_SUFFIX) ? url.substring(0, url.length() - DISCOVERY_SUFFIX.length()) : url);
            }
            List<String> resolvedScopes = scopes;
            if (oidcScopes != null) {
                resolvedScopes = either(validation, "scopes", scopes, "oidc_scopes", scopeList(validation, oidcScopes));
            }
            Map<String, Object> settings = config == null ? Map.of() : config;
            for (String key : settings.keySet()) {
                if (!CONFIG_KEYS.contains(key)) {
                    validation.problem("config." + clean(key), "is not a setting Gatehouse knows; config may carry "
                        + String.join(", ", CONFIG_KEYS));
                }
            }
            return new ProviderRequest(
                either(validation, "id", id, "name", name),
                resolvedIssuer,
                either(validation, "client_id", clientId, "oidc_client_id", oidcClientId),
                either(validation, "client_secret", clientSecret, "oidc_client_secret", oidcClientSecret),
                resolvedScopes,
                either(validation, "tenant", tenant, "config.tenant", configValue(validation, settings, "tenant", String.class)),
                either(validation, "roles_claim", rolesClaim, "config.roles_claim",
                    configValue(validation, settings, "roles_claim", String.class)),
                enabled, null,
                either(validation, "auto_provision", autoProvision, "config.auto_provision",
                    configValue(validation, settings, "auto_provision", Boolean.class)),
                allowedDomains, defaultRoles,
                either(validation, "groups_claim", groupsClaim, "config.groups_claim",
                    configValue(validation, settings, "groups_claim", String.class)),
                either(validation, "group_roles", groupRoles, "config.group_roles", configGroupRoles(validation, settings)),
                null, null, null, null, null, null);
        }

        /** One of two spellings of a field; both is a problem named by the alias, which is also how later problems are named. */
        private static <T> T either(Validation validation, String field, T value, String alias, T aliasValue) {
            if (aliasValue == null) {
                return value;
            }
            if (value != null) {
                validation.problem(alias, "names the same setting as " + field + "; send one of them");
                return value;
            }
            validation.spelled(field, alias);
            return aliasValue;
        }

        private static List<String> scopeList(Validation validation, Object value) {
            if (value instanceof String text) {
                return List.of(text.trim().split("[\\s,]+"));
            }
            if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
                return list.stream().map(String.class::cast).toList();
            }
            validation.problem("oidc_scopes", "must be a list of scopes or one space-separated string");
            return null;
        }

        private static <T> T configValue(Validation validation, Map<String, Object> config, String key, Class<T> type) {
            Object value = config.get(key);
            if (value == null || type.isInstance(value)) {
                return type.cast(value);
            }
            validation.problem("config." + key, "must be a " + (type == Boolean.class ? "boolean" : "string"));
            return null;
        }

        private static Map<String, List<String>> configGroupRoles(Validation validation, Map<String, Object> config) {
            Object value = config.get("group_roles");
            if (value == null) {
                return null;
            }
            Map<String, List<String>> out = new java.util.LinkedHashMap<>();
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (entry.getValue() instanceof List<?> roles && roles.stream().allMatch(String.class::isInstance)) {
                        out.put(String.valueOf(entry.getKey()), roles.stream().map(String.class::cast).toList());
                    } else {
                        validation.problem("config.group_roles." + clean(String.valueOf(entry.getKey())), "must be a list of roles");
                    }
                }
                return out;
            }
            validation.problem("config.group_roles", "must be an object of group names to lists of roles");
            return null;
        }

        private static String clean(String text) {
            String value = text.length() > 64 ? text.substring(0, 64) : text;
            return value.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /**
     * A provider as the API shows it: everything but the client secret.
     *
     * @param id              the id
     * @param type            the protocol, {@code oidc}
     * @param issuer          the issuer
     * @param clientId        the client id
     * @param clientSecretSet whether a client secret is stored (it is never shown)
     * @param scopes          the scopes
     * @param tenant          the fixed tenant, or absent
     * @param rolesClaim      the roles claim or path
     * @param enabled         whether logins are accepted
     * @param autoProvision   whether first logins create users
     * @param allowedDomains  the email domains admitted (empty: every domain)
     * @param defaultRoles    roles every user gets
     * @param groupsClaim     the groups claim or path
     * @param groupRoles      roles per group
     * @param source          {@code configuration} (read-only) or {@code api}
     * @param loginPath       where a browser starts a login with it
     * @param createdAt       when it was added (API providers)
     * @param updatedAt       when it was last changed (API providers)
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ProviderView(String id, String type, String issuer, @JsonProperty("client_id") String clientId,
                        @JsonProperty("client_secret_set") boolean clientSecretSet, List<String> scopes,
                        @Nullable String tenant, @JsonProperty("roles_claim") String rolesClaim, boolean enabled,
                        @JsonProperty("auto_provision") boolean autoProvision,
                        @JsonProperty("allowed_domains") List<String> allowedDomains,
                        @JsonProperty("default_roles") List<String> defaultRoles,
                        @JsonProperty("groups_claim") String groupsClaim,
                        @JsonProperty("group_roles") Map<String, List<String>> groupRoles,
                        String source, @JsonProperty("login_path") String loginPath,
                        @Nullable @JsonProperty("created_at") Instant createdAt,
                        @Nullable @JsonProperty("updated_at") Instant updatedAt) {

        static ProviderView of(SsoProvider provider) {
            SsoProvider.Provisioning p = provider.provisioning();
            return new ProviderView(provider.id(), SsoProvider.TYPE_OIDC, provider.issuer(), provider.clientId(),
                provider.clientSecret() != null && !provider.clientSecret().isEmpty(), provider.scopes(), provider.tenant(),
                provider.rolesClaim(), provider.enabled(), p.autoProvision(), p.allowedDomains(), p.defaultRoles(), p.groupsClaim(),
                p.groupRoles(), provider.source(), LoginController.LOGIN_PATH + provider.id(), provider.createdAt(), provider.updatedAt());
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
     * An enabled provider as anybody may see it ({@code GET /v1/auth/providers}): no client id, no issuer, no secret.
     *
     * @param name     the provider's id
     * @param type     its protocol, {@code oidc}
     * @param loginUrl where a browser starts a login with it: absolute under {@code gateway.sso.redirect-base-url}
     *                 when that is set, otherwise a path on the gateway's origin
     */
    @Serdeable
    record PublicProvider(String name, String type, @JsonProperty("login_url") String loginUrl) {
    }

    /**
     * @param providers the enabled providers, by name
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record PublicProviderList(List<PublicProvider> providers) {
    }

    /**
     * The answer of the SSO gateway's {@code /sso/session} without a session.
     *
     * @param authenticated always {@code false}
     */
    @Serdeable
    record NoSession(boolean authenticated) {
    }

    /**
     * The user of the current session ({@code GET /v1/auth/session}).
     *
     * @param authenticated always {@code true} (the SSO gateway's session answer had it; without a session
     *                      {@code /sso/session} answers {@code {"authenticated":false}})
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
    record SessionView(boolean authenticated, @JsonProperty("user_id") String userId, String provider, String subject, @Nullable String email,
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
