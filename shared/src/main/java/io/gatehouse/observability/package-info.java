/**
 * What makes one request traceable: its {@code X-Request-ID}, the {@code X-API-Version} stamp, and
 * (later) metrics, traces and structured logs.
 */
package io.gatehouse.observability;
