-- severity: error
-- Coded columns hold only the agreed codes: the six status codes in dim_status, finding severities,
-- bridge roles, unit types.
SELECT 'dim_status.status_code' AS col, status_code AS value FROM dim_status
WHERE status_code NOT IN ('completed', 'in_progress', 'behind', 'not_started', 'ongoing', 'unknown')
UNION ALL
SELECT 'dq_issue.severity', severity FROM dq_issue WHERE severity NOT IN ('info', 'warning', 'error')
UNION ALL
SELECT 'bridge_task_unit.role', role FROM bridge_task_unit WHERE role NOT IN ('lead', 'responsible', 'co')
UNION ALL
SELECT 'bridge_task_leader.role', role FROM bridge_task_leader WHERE role NOT IN ('lead', 'responsible', 'co')
UNION ALL
SELECT 'dim_unit.unit_type', unit_type FROM dim_unit
WHERE unit_type NOT IN ('department', 'township', 'collective', 'enterprise', 'other');
