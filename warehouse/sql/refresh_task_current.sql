-- Bring task_current up to date for the tasks of the plan years of $reports (the reports a load just
-- wrote or replaced), or for every task when $reports is NULL. Runs inside the load's transaction.
DELETE FROM task_current
WHERE $reports IS NULL OR task_key IN (
    SELECT t.task_key FROM dim_task t
    JOIN dim_report r ON r.county_key = t.county_key AND r.plan_year = t.plan_year
    WHERE r.report_key IN (SELECT unnest($reports))
);

INSERT INTO task_current
SELECT * FROM task_current_rows($reports)
ORDER BY task_key;
