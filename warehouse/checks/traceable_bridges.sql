-- severity: error
-- Every bridge row and every report can be traced to its source: a valid line span, a content hash.
SELECT 'bridge_task_unit' AS tbl, report_key, task_key, line_start, line_end FROM bridge_task_unit
WHERE line_start IS NULL OR line_end IS NULL OR line_start < 1 OR line_end < line_start
UNION ALL
SELECT 'bridge_task_leader', report_key, task_key, line_start, line_end FROM bridge_task_leader
WHERE line_start IS NULL OR line_end IS NULL OR line_start < 1 OR line_end < line_start
UNION ALL
SELECT 'dim_report', report_key, NULL, NULL, NULL FROM dim_report
WHERE length(sha256) <> 64 OR coalesce(file_name, source_uri) IS NULL;
