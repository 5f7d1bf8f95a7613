/**
 * Traces: a server span per request named by its route, a client span per call to a target, W3C
 * {@code traceparent} and {@code tracestate} read from the client and written to the upstream, made
 * by a member of every policy chain ({@link io.gatehouse.observability.tracing.TracingPolicy}) so
 * the streaming engine, the buffered engine and Lambda trace alike. Export is OpenTelemetry's
 * (micronaut-tracing's SDK, configured by {@code otel.*} and the standard {@code OTEL_*} variables).
 */
package io.gatehouse.observability.tracing;
