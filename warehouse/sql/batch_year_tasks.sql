-- Batch load: the tasks already known for every (county, plan year) of the staged batch, for
-- matching the batch's rows to them (transforms.linking.match_within_year), ordered by table,
-- item and sub-item within each plan year.
SELECT t.county_key, t.plan_year, t.task_key, t.table_no, t.seq, t.sub_seq, t.task_text, t.project
FROM dim_task t
JOIN (SELECT DISTINCT county_key, plan_year FROM st_map) y USING (county_key, plan_year)
ORDER BY t.county_key, t.plan_year, t.table_no, t.seq, t.sub_seq, t.task_key;
