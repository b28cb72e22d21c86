-- severity: error
-- Every bridge and metric row resolves to its report, task, unit or leader.
-- $reports: the reports a load just wrote (only their rows can break this), or NULL: all.
SELECT 'bridge_task_unit' AS tbl, b.report_key, b.task_key
FROM bridge_task_unit b
LEFT JOIN dim_report r USING (report_key) LEFT JOIN dim_task t USING (task_key) LEFT JOIN dim_unit u USING (unit_key)
WHERE (r.report_key IS NULL OR t.task_key IS NULL OR u.unit_key IS NULL)
  AND ($reports IS NULL OR b.report_key IN (SELECT unnest($reports)))
UNION ALL
SELECT 'bridge_task_leader', b.report_key, b.task_key
FROM bridge_task_leader b
LEFT JOIN dim_report r USING (report_key) LEFT JOIN dim_task t USING (task_key) LEFT JOIN dim_leader l USING (leader_key)
WHERE (r.report_key IS NULL OR t.task_key IS NULL OR l.leader_key IS NULL)
  AND ($reports IS NULL OR b.report_key IN (SELECT unnest($reports)))
UNION ALL
SELECT 'fct_task_metric', m.report_key, m.task_key
FROM fct_task_metric m
LEFT JOIN dim_report r USING (report_key) LEFT JOIN dim_task t USING (task_key)
WHERE (r.report_key IS NULL OR t.task_key IS NULL)
  AND ($reports IS NULL OR m.report_key IN (SELECT unnest($reports)));
