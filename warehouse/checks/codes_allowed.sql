-- severity: error
-- Coded columns hold only the agreed codes: the status codes in dim_status, finding severities,
-- bridge roles, unit types (schemas/vocabulary.yaml, bound as $status_codes, $roles, $unit_types).
SELECT 'dim_status.status_code' AS col, status_code AS value FROM dim_status
WHERE status_code NOT IN (SELECT unnest($status_codes))
UNION ALL
SELECT 'dq_issue.severity', severity FROM dq_issue WHERE severity NOT IN ('info', 'warning', 'error')
UNION ALL
SELECT 'bridge_task_unit.role', role FROM bridge_task_unit WHERE role NOT IN (SELECT unnest($roles))
UNION ALL
SELECT 'bridge_task_leader.role', role FROM bridge_task_leader WHERE role NOT IN (SELECT unnest($roles))
UNION ALL
SELECT 'dim_unit.unit_type', unit_type FROM dim_unit
WHERE unit_type NOT IN (SELECT unnest($unit_types));
