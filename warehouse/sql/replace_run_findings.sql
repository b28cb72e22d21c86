-- The findings of a run's quality step (warehouse checks, Great Expectations) replace any earlier
-- ones of the same run, so `quality` can be re-run.
DELETE FROM dq_issue WHERE run_key = $run_key AND stage IN ('check', 'gx');
INSERT INTO dq_issue (run_key, report_key, source_file, table_no, seq, line_start, line_end, stage, rule,
                      severity, message, mapping_file, created_at)
SELECT $run_key, s.report_key, r.file_name, s.table_no, s.seq, s.line_start, s.line_end, s.stage, s.rule,
       s.severity, s.message, s.mapping_file, $created_at
FROM st_run_dq s LEFT JOIN dim_report r USING (report_key);
