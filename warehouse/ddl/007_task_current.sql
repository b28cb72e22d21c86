-- Derived: every task's latest report, with its status, texts and roster, copied out of
-- fct_task_progress and the bridges. The loader keeps it (warehouse/sql/refresh_task_current.sql,
-- from the table macro task_current_rows) in the transaction that writes the facts, so "the latest
-- status of every task" reads one row per task instead of every report's rows; the check
-- task_current_consistent proves it equals what the facts say. It can always be rebuilt from them.
CREATE TABLE IF NOT EXISTS task_current (
    task_key          INTEGER NOT NULL,
    report_key        INTEGER NOT NULL,
    first_report_key  INTEGER NOT NULL,
    reports_seen      BIGINT NOT NULL,
    status_code       VARCHAR NOT NULL,
    status_evidence   VARCHAR,
    status_confidence VARCHAR NOT NULL,
    explicit_status   VARCHAR,
    progress_label    VARCHAR,
    progress_text     VARCHAR,
    issues_text       VARCHAR,
    note_text         VARCHAR,
    expected_progress DOUBLE,
    on_schedule       BOOLEAN,
    leaders           VARCHAR,
    lead_units        VARCHAR,
    responsible_units VARCHAR,
    co_units          VARCHAR,
    line_start        INTEGER NOT NULL,
    line_end          INTEGER NOT NULL,
    deadline_text     VARCHAR,
    deadline_date     DATE,
    deadline_basis    VARCHAR,
    reported_pct      DOUBLE,
    pct_gap           DOUBLE
);
-- a task_current built before deadlines and reported shares: the new columns go last, as above, and
-- warehouse.db.ensure_schema refills the table from the facts after the schema files changed
ALTER TABLE task_current ADD COLUMN IF NOT EXISTS deadline_text VARCHAR;
ALTER TABLE task_current ADD COLUMN IF NOT EXISTS deadline_date DATE;
ALTER TABLE task_current ADD COLUMN IF NOT EXISTS deadline_basis VARCHAR;
ALTER TABLE task_current ADD COLUMN IF NOT EXISTS reported_pct DOUBLE;
ALTER TABLE task_current ADD COLUMN IF NOT EXISTS pct_gap DOUBLE;

BEGIN TRANSACTION;
COMMENT ON TABLE task_current IS 'Grain: one row per task that at least one report carries. Derived from fct_task_progress and the bridges, kept by the loader in the same transaction as the facts: the task''s latest report (latest as-of date; ties: the later loaded report), among current report versions only (dim_report.is_current), with that report''s status, texts, leaders and units. Read v_task_latest rather than this table.';
COMMENT ON COLUMN task_current.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN task_current.report_key IS 'The latest report that carries the task (dim_report.report_key).';
COMMENT ON COLUMN task_current.first_report_key IS 'The earliest report that carries the task (same order: as-of date, then load order).';
COMMENT ON COLUMN task_current.reports_seen IS 'Number of reports that carry the task.';
COMMENT ON COLUMN task_current.status_code IS 'Status in that report (fct_task_progress.status_code).';
COMMENT ON COLUMN task_current.status_evidence IS 'The phrase of that report that decided the status.';
COMMENT ON COLUMN task_current.status_confidence IS 'high, medium or low; none when there is nothing to judge by (a plan without progress).';
COMMENT ON COLUMN task_current.explicit_status IS 'That report''s own status cell as written, if any.';
COMMENT ON COLUMN task_current.progress_label IS 'Header of the progress column the text comes from.';
COMMENT ON COLUMN task_current.progress_text IS 'Progress text of that report.';
COMMENT ON COLUMN task_current.issues_text IS 'Problems column (存在问题) of that report, if any.';
COMMENT ON COLUMN task_current.note_text IS 'Remarks column (备注, 说明) of that report, if any.';
COMMENT ON COLUMN task_current.expected_progress IS 'Time-elapsed progress (序时进度) at that report''s as-of date, 0–1.';
COMMENT ON COLUMN task_current.on_schedule IS 'Whether that report shows the task at or above 序时 progress.';
COMMENT ON COLUMN task_current.leaders IS 'Leaders named by that report, in report order, joined by 、.';
COMMENT ON COLUMN task_current.lead_units IS 'Lead units named by that report, joined by 、.';
COMMENT ON COLUMN task_current.responsible_units IS 'Responsible units (no lead/co split) named by that report, joined by 、.';
COMMENT ON COLUMN task_current.co_units IS 'Co-operating units named by that report, joined by 、.';
COMMENT ON COLUMN task_current.line_start IS 'First source line of the task in that report.';
COMMENT ON COLUMN task_current.line_end IS 'Last source line of the task in that report.';
COMMENT ON COLUMN task_current.deadline_text IS 'The deadline phrase that report gives the task (fct_task_progress.deadline_text).';
COMMENT ON COLUMN task_current.deadline_date IS 'Last day that deadline allows; NULL for a standing duty or when none is stated.';
COMMENT ON COLUMN task_current.deadline_basis IS 'deadline_column, task_text or standing_duty; NULL when no deadline is stated.';
COMMENT ON COLUMN task_current.reported_pct IS 'Share of the task done by that report''s own account, 0–1 (fct_task_progress.reported_pct).';
COMMENT ON COLUMN task_current.pct_gap IS 'reported_pct − expected_progress in that report: below 0 behind 序时.';
COMMIT;
