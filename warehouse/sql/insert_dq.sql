INSERT INTO dq_issue (run_key, report_key, source_file, table_no, seq, line_start, line_end, stage, rule,
                      severity, message, mapping_file, created_at)
SELECT $run_key, $report_key, $source_file, table_no, seq, line_start, line_end, stage, rule, severity,
       message, mapping_file, $created_at
FROM st_dq;
