-- Status of every task in every report that carries it, with the report it came from.
SELECT f.task_key, f.report_key, r.as_of_date, r.period_type, r.title, r.file_name, r.source_uri,
       f.status_code, s.label_zh, f.status_evidence, f.status_confidence, f.expected_progress,
       f.progress_text, f.line_start, f.line_end
FROM fct_task_progress f
JOIN dim_report r USING (report_key)
LEFT JOIN dim_status s USING (status_code)
WHERE r.is_current
ORDER BY f.task_key, r.as_of_date, f.report_key;
