-- severity: error
-- Every bridge row names who answers for a task in a report that carries the task: its
-- (report, task) has a progress row. (v_responsibility_history relies on it.)
-- $reports: the reports a load just wrote (only their rows can break this), or NULL: all.
SELECT 'bridge_task_unit' AS tbl, b.report_key, b.task_key
FROM bridge_task_unit b
WHERE ($reports IS NULL OR b.report_key IN (SELECT unnest($reports)))
  AND NOT EXISTS (SELECT 1 FROM fct_task_progress f WHERE f.report_key = b.report_key AND f.task_key = b.task_key)
UNION ALL
SELECT 'bridge_task_leader', b.report_key, b.task_key
FROM bridge_task_leader b
WHERE ($reports IS NULL OR b.report_key IN (SELECT unnest($reports)))
  AND NOT EXISTS (SELECT 1 FROM fct_task_progress f WHERE f.report_key = b.report_key AND f.task_key = b.task_key);
