/**
 * The audit log: who was refused or let through on a route, and who changed what through the
 * management endpoints.
 *
 * <p>{@link io.gatehouse.audit.AuditLog#record(io.gatehouse.audit.AuditEvent)} takes an immutable
 * {@link io.gatehouse.audit.AuditEvent} without waiting for the database: a bounded queue, a writer
 * that inserts batches into {@code audit_events} ({@code V14__audit.sql}, PostgreSQL or the
 * embedded H2), and one JSON line per event on the {@code gatehouse.audit} logger. Nothing is
 * dropped silently: an event that finds the queue full, or that the database will not take, is
 * still in the JSON log, counted on {@code /metrics} and shown by the {@code audit} health check.
 *
 * <p>Who records: {@code RouteAccess} (every engine) for route decisions, {@link
 * io.gatehouse.audit.AdminAuditFilter} for the management endpoints marked {@link
 * io.gatehouse.audit.Audited}, {@link io.gatehouse.audit.TokenEndpointAuditFilter} for the OAuth2
 * token endpoint's refusals, and {@code GET /admin/audit} reads the table. See
 * {@code docs/audit.md}.
 */
package io.gatehouse.audit;
