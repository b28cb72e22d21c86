-- severity: error
-- Every progress fact points at an existing report, task and status code.
-- $reports: the reports a load just wrote (only their rows can break this), or NULL: all.
SELECT f.report_key, f.task_key, f.status_code
FROM fct_task_progress f
LEFT JOIN dim_report r USING (report_key)
LEFT JOIN dim_task t USING (task_key)
LEFT JOIN dim_status s USING (status_code)
WHERE (r.report_key IS NULL OR t.task_key IS NULL OR s.status_code IS NULL)
  AND ($reports IS NULL OR f.report_key IN (SELECT unnest($reports)));
