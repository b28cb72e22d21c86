-- severity: error
-- Every fact carries its report key and a valid source line span.
SELECT 'fct_task_progress' AS tbl, report_key, task_key, line_start, line_end FROM fct_task_progress
WHERE report_key IS NULL OR line_start IS NULL OR line_end IS NULL OR line_start < 1 OR line_end < line_start
UNION ALL
SELECT 'fct_task_metric', report_key, task_key, line_start, line_end FROM fct_task_metric
WHERE report_key IS NULL OR line_start IS NULL OR line_end IS NULL OR line_start < 1 OR line_end < line_start;
