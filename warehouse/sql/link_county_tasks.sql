-- The tasks of some counties ($counties) with their county and plan year, for cross-year linking.
SELECT t.task_key, t.table_no, t.seq, t.sub_seq, t.task_text, t.project, t.plan_year, c.county_name
FROM dim_task t JOIN dim_county c USING (county_key)
WHERE c.county_name IN (SELECT unnest($counties))
ORDER BY c.county_name, t.plan_year, t.table_no, t.seq, t.sub_seq, t.task_key;
