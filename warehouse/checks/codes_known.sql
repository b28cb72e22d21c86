-- severity: warning
-- Codes that other steps may extend: report period types (schemas/vocabulary.yaml, bound as $period_types) and
-- task-link decisions (accepted, pending, rejected).
SELECT report_key, 'period type ' || period_type || ' is not one of ' || array_to_string($period_types, ', ') AS message
FROM dim_report WHERE period_type NOT IN (SELECT unnest($period_types))
UNION ALL
SELECT NULL, 'task link ' || link_key || ' has decision ' || decision || ', not accepted, pending or rejected'
FROM task_link WHERE decision NOT IN ('accepted', 'pending', 'rejected');
