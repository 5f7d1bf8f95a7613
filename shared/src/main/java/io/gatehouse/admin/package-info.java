/**
 * Changing the route table without a restart through the admin API: {@code /admin/routes} and
 * {@code /admin/upstreams} ({@link io.gatehouse.admin.AdminController}), guarded by the token of
 * {@code gateway.admin.token} ({@link io.gatehouse.admin.AdminAuthenticationFilter}).
 *
 * <p>Admin objects live in the relational database ({@link io.gatehouse.admin.AdminStore}: H2 in
 * the embedded default, PostgreSQL when configured), are one more source of the gateway
 * definition ({@link io.gatehouse.admin.AdminDefinitions}, a
 * {@link io.gatehouse.definition.DefinitionContributor}), and reach every instance through
 * PostgreSQL {@code LISTEN}/{@code NOTIFY} ({@link io.gatehouse.admin.AdminChangeListener}) or,
 * without background threads (Lambda), a revision check before requests
 * ({@link io.gatehouse.admin.AdminRevisionFilter}); both end in {@link io.gatehouse.admin.AdminSync}.
 */
package io.gatehouse.admin;
