package io.gatehouse.audit;

import java.time.Instant;

/**
 * The filters of {@code GET /admin/audit}; {@code null} means any.
 *
 * @param category  only this category
 * @param decision  only this decision
 * @param action    only this action
 * @param route     only this route id
 * @param principal only this principal subject
 * @param tenant    only this tenant
 * @param requestId only this request id
 * @param since     only events at or after this time
 * @param until     only events before this time
 * @param limit     at most this many, newest first
 */
record AuditQuery(AuditEvent.Category category, AuditEvent.Decision decision, String action, String route, String principal,
                  String tenant, String requestId, Instant since, Instant until, int limit) {
}
