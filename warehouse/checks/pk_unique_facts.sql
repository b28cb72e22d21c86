-- severity: error
-- One row per grain in every fact, bridge and bookkeeping table.
-- $reports: the reports a load just wrote (only groups holding their rows can break this), or NULL: all.
SELECT 'fct_task_progress' AS tbl, concat_ws('/', report_key, task_key) AS value, count(*) AS n
FROM fct_task_progress WHERE ($reports IS NULL OR report_key IN (SELECT unnest($reports))) GROUP BY report_key, task_key HAVING count(*) > 1
UNION ALL
SELECT 'fct_task_metric', metric_key::VARCHAR, count(*) FROM fct_task_metric
WHERE ($reports IS NULL OR metric_key IN (SELECT metric_key FROM fct_task_metric WHERE report_key IN (SELECT unnest($reports))))
GROUP BY metric_key HAVING count(*) > 1
UNION ALL
SELECT 'bridge_task_unit', concat_ws('/', report_key, task_key, unit_key, role), count(*)
FROM bridge_task_unit WHERE ($reports IS NULL OR report_key IN (SELECT unnest($reports))) GROUP BY report_key, task_key, unit_key, role HAVING count(*) > 1
UNION ALL
SELECT 'bridge_task_leader', concat_ws('/', report_key, task_key, leader_key), count(*)
FROM bridge_task_leader WHERE ($reports IS NULL OR report_key IN (SELECT unnest($reports))) GROUP BY report_key, task_key, leader_key HAVING count(*) > 1
UNION ALL
SELECT 'task_link', concat_ws('/', from_task_key, to_task_key), count(*)
FROM task_link GROUP BY from_task_key, to_task_key HAVING count(*) > 1
UNION ALL
SELECT 'dq_issue', issue_key::VARCHAR, count(*) FROM dq_issue
WHERE ($reports IS NULL OR issue_key IN (SELECT issue_key FROM dq_issue WHERE report_key IN (SELECT unnest($reports))))
GROUP BY issue_key HAVING count(*) > 1
UNION ALL
SELECT 'etl_run', run_key::VARCHAR, count(*) FROM etl_run GROUP BY run_key HAVING count(*) > 1
UNION ALL
SELECT 'quarantine', sha256, count(*) FROM quarantine GROUP BY sha256 HAVING count(*) > 1;
