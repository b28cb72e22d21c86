WITH latest AS (
    SELECT f.*, row_number() OVER (PARTITION BY f.task_key ORDER BY r.as_of_date DESC, r.report_key DESC) AS rn
    FROM fct_task_progress f JOIN dim_report r USING (report_key)
    WHERE r.is_current
)
SELECT s.status_code, s.label_zh, count(l.task_key) AS tasks
FROM dim_status s LEFT JOIN latest l ON l.status_code = s.status_code AND l.rn = 1
GROUP BY s.status_code, s.label_zh, s.sort_order
ORDER BY s.sort_order;
