-- A task's crosswalk reference and text by its key.
SELECT concat_ws(':', c.county_name, t.plan_year, t.table_no, CASE WHEN t.sub_seq > 0 THEN t.seq || '.' || t.sub_seq ELSE t.seq::VARCHAR END) AS ref, t.task_text
FROM dim_task t JOIN dim_county c USING (county_key)
WHERE t.task_key = $task_key;
