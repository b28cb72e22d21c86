-- Findings to list: every finding of the selected reports (those recorded while loading them and the
-- warehouse checks that named them, in whichever run: the same findings v_report_quality counts),
-- and the run's own quality-step findings (warehouse checks, Great Expectations).
WITH run AS (
    SELECT started_at, coalesce(finished_at, TIMESTAMP '9999-12-31') AS finished_at FROM etl_run WHERE run_key = $run_key
), sel AS (
    SELECT r.report_key FROM dim_report r CROSS JOIN run
    WHERE $all_reports OR (r.ingested_at >= run.started_at AND r.ingested_at <= run.finished_at)
)
SELECT d.issue_key, d.run_key, d.report_key, d.source_file, d.table_no, d.seq, d.line_start, d.line_end,
       d.stage, d.rule, d.severity, d.message, d.mapping_file
FROM dq_issue d
WHERE d.report_key IN (SELECT report_key FROM sel)
   OR (d.run_key = $run_key AND d.stage IN ('check', 'gx'))
ORDER BY d.report_key NULLS LAST,
         CASE d.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
         d.rule, d.table_no NULLS FIRST, try_cast(split_part(d.seq, '.', 1) AS INTEGER) NULLS FIRST, try_cast(nullif(split_part(d.seq, '.', 2), '') AS INTEGER) NULLS FIRST, d.line_start, d.issue_key;
