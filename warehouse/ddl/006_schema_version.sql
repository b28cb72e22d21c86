-- The fingerprint of the schema files the warehouse was last built from: warehouse.db.ensure_schema
-- re-runs the DDL and view files only when they changed (running them all costs about half a
-- second on every connection otherwise).
CREATE TABLE IF NOT EXISTS schema_version (
    fingerprint VARCHAR NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);
COMMENT ON TABLE schema_version IS 'Grain: one row. The sha256 of the DDL and view files (warehouse/ddl, warehouse/views) the schema was last built from; a connection rebuilds the schema only when they changed.';
COMMENT ON COLUMN schema_version.fingerprint IS 'sha256 over the names and contents of the schema files, in the order they run.';
COMMENT ON COLUMN schema_version.applied_at IS 'When the schema files were last run on this warehouse.';
