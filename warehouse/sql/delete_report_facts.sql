-- Remove one report's facts before it is reloaded from a changed file (same transaction).
DELETE FROM fct_task_progress WHERE report_key = $report_key;
DELETE FROM fct_task_metric WHERE report_key = $report_key;
DELETE FROM bridge_task_unit WHERE report_key = $report_key;
DELETE FROM bridge_task_leader WHERE report_key = $report_key;
DELETE FROM dq_issue WHERE report_key = $report_key;
