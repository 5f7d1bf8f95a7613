-- Feedback (io.gatehouse.feedback, docs/feedback.md): what users post to POST /v1/feedback (or the
-- SSO gateway's POST /feedback), optionally tied to a session and one of its events. Stored here and
-- nowhere else; GET /v1/feedback/stats counts it with COUNT/GROUP BY over every matching row.
-- Times are epoch milliseconds (BIGINT) so the same SQL runs on H2 (embedded) and PostgreSQL.
CREATE TABLE feedback (
    id          VARCHAR(64)  PRIMARY KEY,
    tenant      VARCHAR(128),
    principal   VARCHAR(512) NOT NULL,
    user_id     VARCHAR(256) NOT NULL,
    category    VARCHAR(16)  NOT NULL,
    rating      INTEGER      NOT NULL,
    title       VARCHAR      NOT NULL,
    description VARCHAR      NOT NULL,
    user_agent  VARCHAR(1024),
    url         VARCHAR(2048),
    metadata    VARCHAR      NOT NULL,
    session_id  VARCHAR(64),
    event_id    VARCHAR(64),
    request_id  VARCHAR(128),
    created_at  BIGINT       NOT NULL,
    CONSTRAINT feedback_category CHECK (category IN ('bug', 'feature', 'general')),
    CONSTRAINT feedback_rating CHECK (rating BETWEEN 1 AND 5)
);

-- The stats filters: every read is confined to a tenant (all tenants for the global administrator)
-- and usually to a time range; category and session_id narrow it further.
CREATE INDEX feedback_tenant_time ON feedback (tenant, created_at);
CREATE INDEX feedback_tenant_category ON feedback (tenant, category, created_at);
CREATE INDEX feedback_session ON feedback (session_id, created_at);
CREATE INDEX feedback_time ON feedback (created_at);
