/**
 * The container runtime: the gateway in shared, served by Netty as a long-running process.
 */
package io.gatehouse.container;
