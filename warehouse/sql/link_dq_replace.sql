DELETE FROM dq_issue WHERE stage = 'link' AND report_key IS NULL;

INSERT INTO dq_issue (run_key, report_key, source_file, stage, rule, severity, message, mapping_file, created_at)
SELECT $run_key, NULL, mapping_file, 'link', rule, severity, message, mapping_file, $now
FROM st_link_dq
ORDER BY rule, message;
