/**
 * Gatehouse, an API gateway for Micronaut and JVM teams.
 *
 * <p>The packages read as the path of one request: {@code observability} stamps it with an id,
 * {@code route} and {@code proxy} (later) forward it to an {@code upstream}, {@code api} holds the
 * gateway's own endpoints and {@code error} turns every failure into the JSON envelope. Nothing in
 * this module knows whether it runs in the Netty container or behind API Gateway on Lambda.
 */
package io.gatehouse;
