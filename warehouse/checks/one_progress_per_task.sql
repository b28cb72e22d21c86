-- severity: error
-- Each report has exactly one progress row per task it lists, and as many as its task_count says.
-- $reports: the reports a load just wrote (only their rows can break this), or NULL: all.
SELECT r.report_key, r.task_count, count(f.task_key) AS progress_rows
FROM dim_report r LEFT JOIN fct_task_progress f USING (report_key)
WHERE ($reports IS NULL OR r.report_key IN (SELECT unnest($reports)))
GROUP BY r.report_key, r.task_count
HAVING count(f.task_key) <> r.task_count;
