/**
 * Routes: matching a request to a route and computing the upstream path.
 *
 * <p>A {@link io.gatehouse.route.RouteDefinition} is data from the declarative file or the admin
 * API; the {@link io.gatehouse.route.RouteTable} is an immutable, compiled snapshot of all routes,
 * sorted by the documented priority rule and swapped atomically by the
 * {@link io.gatehouse.route.RouteTableHolder} on reload, so in-flight requests finish on the table
 * they started with.
 */
package io.gatehouse.route;
