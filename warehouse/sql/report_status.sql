-- Status distribution of each selected report (every status code, zero included).
WITH run AS (
    SELECT started_at, coalesce(finished_at, TIMESTAMP '9999-12-31') AS finished_at FROM etl_run WHERE run_key = $run_key
), sel AS (
    SELECT r.report_key FROM dim_report r CROSS JOIN run
    WHERE $all_reports OR (r.ingested_at >= run.started_at AND r.ingested_at <= run.finished_at)
)
SELECT sel.report_key, s.status_code, s.label_zh, s.sort_order, count(f.task_key) AS tasks
FROM sel CROSS JOIN dim_status s
LEFT JOIN fct_task_progress f ON f.report_key = sel.report_key AND f.status_code = s.status_code
GROUP BY sel.report_key, s.status_code, s.label_zh, s.sort_order
ORDER BY sel.report_key, s.sort_order;
