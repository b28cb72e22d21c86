-- The tasks of the reports Great Expectations validates this run (dim_task's suite), not the whole
-- table: the warehouse checks (warehouse/checks/pk_unique_task.sql …) cover every task.
SELECT * FROM dim_task
WHERE task_key IN (SELECT task_key FROM fct_task_progress WHERE report_key IN (SELECT unnest($reports)))
