-- The findings of a run's quality step (warehouse checks, Great Expectations) replace any earlier
-- ones of the same run, so `quality` can be re-run. A finding about a report version replaces the
-- same finding (report, rule, row, message) recorded by an earlier run: findings are counted per
-- report version, not once per run that saw them.
DELETE FROM dq_issue WHERE run_key = $run_key AND stage IN ('check', 'gx');
DELETE FROM dq_issue d
WHERE d.stage IN ('check', 'gx') AND d.report_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM st_run_dq s
    WHERE s.report_key = d.report_key AND s.stage = d.stage AND s.rule = d.rule AND s.message = d.message
      AND s.table_no IS NOT DISTINCT FROM d.table_no AND s.seq IS NOT DISTINCT FROM d.seq
      AND s.line_start IS NOT DISTINCT FROM d.line_start
);
INSERT INTO dq_issue (run_key, report_key, source_file, table_no, seq, line_start, line_end, stage, rule,
                      severity, message, mapping_file, created_at)
SELECT $run_key, s.report_key, r.file_name, s.table_no, s.seq, s.line_start, s.line_end, s.stage, s.rule,
       s.severity, s.message, s.mapping_file, $created_at
FROM st_run_dq s LEFT JOIN dim_report r USING (report_key);
