/**
 * Single sign-on: OpenID Connect login (authorization code with PKCE) against providers that can
 * be added and removed at run time.
 *
 * <ul>
 *   <li>{@link io.gatehouse.identity.sso.SsoProviders} is the one registry: providers of
 *       {@code gateway.sso.providers} and those of {@code /admin/sso-providers}
 *       ({@code SsoProviderController}), stored in {@code gh_sso_providers} and kept in step on
 *       every instance by {@link io.gatehouse.identity.IdentitySync};</li>
 *   <li>{@code LoginController} serves {@code /v1/auth/login}, {@code /callback}, {@code /logout},
 *       {@code /session} and {@code /providers}; {@code OpenIdConnect} talks to the provider
 *       (discovery, code exchange, ID token verification); {@code Users} provisions users just in
 *       time in {@code gh_users}, within each provider's controls ({@link io.gatehouse.identity.sso.SsoProvider.Provisioning});</li>
 *   <li>{@code LegacySsoController} keeps the SSO gateway's {@code /sso/*} paths as aliases
 *       ({@code gateway.legacy-aliases.sso}).</li>
 * </ul>
 *
 * <p>The session the login starts, and the {@code session} method routes use, are in
 * {@link io.gatehouse.security.session}.
 */
package io.gatehouse.identity.sso;
