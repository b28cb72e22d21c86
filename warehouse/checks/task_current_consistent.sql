-- severity: error
-- task_current holds, for every task, exactly the latest row the facts give (task_current_rows):
-- none missing, none extra, none different, one row per task.
-- $reports: the reports a load just wrote (only their plan years' tasks can change), or NULL: all.
WITH want AS (
    SELECT * FROM task_current_rows($reports)
),
have AS (
    SELECT c.* FROM task_current c
    WHERE $reports IS NULL OR c.task_key IN (
        SELECT t.task_key FROM dim_task t
        JOIN dim_report r ON r.county_key = t.county_key AND r.plan_year = t.plan_year
        WHERE r.report_key IN (SELECT unnest($reports))
    )
)
SELECT 'missing or different' AS problem, task_key, report_key FROM (SELECT * FROM want EXCEPT ALL SELECT * FROM have)
UNION ALL
SELECT 'extra or different', task_key, report_key FROM (SELECT * FROM have EXCEPT ALL SELECT * FROM want);
