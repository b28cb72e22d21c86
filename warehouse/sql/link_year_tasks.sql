-- The tasks already known for a county's plan year, for matching a new report's rows to them.
SELECT task_key, table_no, seq, sub_seq, task_text, project
FROM dim_task
WHERE county_key = $county_key AND plan_year = $plan_year
ORDER BY table_no, seq, sub_seq, task_key;
