/**
 * What the container does with client connections before any request is routed: the connection
 * limit ({@code gateway.server.max-connections}), the deadlines for a request head and the minimum
 * rate of a request body (slow clients), and the gateway's own failures to accept for want of
 * descriptors.
 */
package io.gatehouse.container.server;
