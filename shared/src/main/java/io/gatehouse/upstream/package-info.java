/**
 * Upstreams: the services the gateway forwards to, each a named set of targets.
 */
package io.gatehouse.upstream;
