-- severity: warning
-- Codes that other steps may extend: report period types (plan, monthly, quarterly, half_year, year_end) and
-- task-link decisions (accepted, pending, rejected).
SELECT report_key, 'period type ' || period_type || ' is not one of plan, monthly, quarterly, half_year, year_end' AS message
FROM dim_report WHERE period_type NOT IN ('plan', 'monthly', 'quarterly', 'half_year', 'year_end')
UNION ALL
SELECT NULL, 'task link ' || link_key || ' has decision ' || decision || ', not accepted, pending or rejected'
FROM task_link WHERE decision NOT IN ('accepted', 'pending', 'rejected');
