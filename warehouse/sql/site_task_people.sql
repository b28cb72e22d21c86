-- The leaders and units each task's latest report names (the tracker's leader and unit pages, and
-- the filters of its task lists).
SELECT k.task_key, 'leader' AS kind, l.leader_key AS person_key, l.leader_name AS name, b.role, b.position
FROM task_current k
JOIN bridge_task_leader b ON b.task_key = k.task_key AND b.report_key = k.report_key
JOIN dim_leader l ON l.leader_key = b.leader_key
UNION ALL
SELECT k.task_key, 'unit', u.unit_key, u.unit_name, b.role, b.position
FROM task_current k
JOIN bridge_task_unit b ON b.task_key = k.task_key AND b.report_key = k.report_key
JOIN dim_unit u ON u.unit_key = b.unit_key
ORDER BY task_key, kind, position, name;
