-- The admin API's store: routes and upstreams created through /admin/routes and /admin/upstreams,
-- each kept as the JSON of one route or one upstream of the declarative file. Written only after
-- the whole definition (file, application configuration and this store) validated.
-- Portable SQL: it runs on PostgreSQL and on H2, the embedded default.

-- One row whose revision grows with every change. A change locks it first, so concurrent changes
-- from several instances are validated and written one after the other; instances compare it with
-- the revision they have in force to know whether to reload.
CREATE TABLE gatehouse_admin_revision (
    id       INTEGER NOT NULL,
    revision BIGINT  NOT NULL,
    CONSTRAINT gatehouse_admin_revision_pk PRIMARY KEY (id)
);

INSERT INTO gatehouse_admin_revision (id, revision) VALUES (1, 0);

CREATE TABLE gatehouse_admin_object (
    kind       VARCHAR(16)              NOT NULL,
    id         VARCHAR(128)             NOT NULL,
    -- The object as JSON, exactly as accepted by PUT.
    body       TEXT                     NOT NULL,
    -- Creation order, kept when an object is replaced: the last tie-breaker of the route priority rule.
    seq        BIGINT                   NOT NULL,
    -- The store revision that wrote the row.
    revision   BIGINT                   NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT gatehouse_admin_object_pk PRIMARY KEY (kind, id),
    CONSTRAINT gatehouse_admin_object_kind CHECK (kind IN ('route', 'upstream'))
);
