/**
 * The declarative gateway definition (routes, upstreams, consumers, plans) and its life cycle:
 * {@link io.gatehouse.definition.DefinitionLoader} reads the file, the application configuration
 * and every {@link io.gatehouse.definition.DefinitionContributor} (the admin store), validates them
 * together, and {@link io.gatehouse.definition.GatewayState} swaps the compiled route table
 * atomically; an invalid change is refused and the table in force stays.
 */
package io.gatehouse.definition;
