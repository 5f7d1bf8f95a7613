/**
 * Importers that turn another gateway's configuration into a Gatehouse route file:
 * {@link io.gatehouse.migration.KongImport} (Kong's declarative configuration) and
 * {@link io.gatehouse.migration.TraefikImport} (Traefik's dynamic file provider), run by
 * {@code bin/gatehouse import} through {@link io.gatehouse.migration.ImportCommand}. What they
 * cannot map is never guessed: it is listed with the reason ({@link io.gatehouse.migration.RouteFile.Unmapped}).
 */
package io.gatehouse.migration;
