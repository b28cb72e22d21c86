-- The pipeline's steps after the load, per report: a report without a row for a step has that step
-- still to do (it was just loaded, or the run that loaded it stopped before the step finished), so
-- the next run finishes it. A report's content is its sha256: a replaced report is pending again.
CREATE TABLE IF NOT EXISTS report_step (
    report_key  INTEGER NOT NULL,
    sha256      VARCHAR NOT NULL,
    step        VARCHAR NOT NULL,
    run_key     INTEGER NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_key, sha256, step)
);
COMMENT ON TABLE report_step IS 'Grain: one row per report content (report_key, sha256) and pipeline step after the load (link, check, report, publish) that has finished for it.';
COMMENT ON COLUMN report_step.report_key IS 'The report (dim_report.report_key).';
COMMENT ON COLUMN report_step.sha256 IS 'The content of the report the step ran on (dim_report.sha256 at the time).';
COMMENT ON COLUMN report_step.step IS 'link, check, report or publish.';
COMMENT ON COLUMN report_step.run_key IS 'The run that finished the step (etl_run.run_key).';
COMMENT ON COLUMN report_step.finished_at IS 'When the step finished for this report.';
