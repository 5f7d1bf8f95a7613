/**
 * The declarative gateway definition (routes, upstreams, consumers, plans) and its life cycle:
 * {@link io.gatehouse.definition.DefinitionLoader} reads the file, the application configuration
 * and every {@link io.gatehouse.definition.DefinitionContributor} (the admin store), validates them
 * together (consumers and plans through the {@link io.gatehouse.definition.SectionValidator}s their
 * features register), every {@link io.gatehouse.definition.DefinitionParticipant} prepares its
 * share, and {@link io.gatehouse.definition.GatewayState} swaps the compiled route table, the
 * upstreams and those shares atomically, under one version; an invalid change is refused whole and
 * nothing in force changes. {@link io.gatehouse.definition.ValidateCommand} runs the same checks
 * on a file without a gateway ({@code bin/gatehouse validate}).
 */
package io.gatehouse.definition;
