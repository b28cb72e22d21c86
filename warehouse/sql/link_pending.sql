-- Links that need a person's decision, most similar first.
SELECT l.link_key, l.link_type, round(l.score, 3) AS score,
       concat_ws(':', c.county_name, a.plan_year, a.table_no, CASE WHEN a.sub_seq > 0 THEN a.seq || '.' || a.sub_seq ELSE a.seq::VARCHAR END) AS from_ref,
       concat_ws(':', c.county_name, b.plan_year, b.table_no, CASE WHEN b.sub_seq > 0 THEN b.seq || '.' || b.sub_seq ELSE b.seq::VARCHAR END) AS to_ref,
       a.task_key AS from_task_key, b.task_key AS to_task_key, a.task_text AS from_text, b.task_text AS to_text
FROM task_link l
JOIN dim_task a ON a.task_key = l.from_task_key
JOIN dim_task b ON b.task_key = l.to_task_key
JOIN dim_county c ON c.county_key = a.county_key
WHERE l.decision = 'pending'
  AND ($county IS NULL OR c.county_name = $county)
ORDER BY l.score DESC, from_ref, to_ref;
