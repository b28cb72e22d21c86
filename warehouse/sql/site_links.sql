-- Accepted identity links of each task, seen from both ends (the tracker's last/next year's versions).
SELECT l.from_task_key AS task_key, o.task_key AS other_task_key, o.plan_year AS other_plan_year,
       o.table_no AS other_table_no, o.seq AS other_seq, o.sub_seq AS other_sub_seq, o.task_text AS other_text, l.method, l.score
FROM task_link l
JOIN dim_task o ON o.task_key = l.to_task_key
WHERE l.decision = 'accepted'
UNION ALL
SELECT l.to_task_key, o.task_key, o.plan_year, o.table_no, o.seq, o.sub_seq, o.task_text, l.method, l.score
FROM task_link l
JOIN dim_task o ON o.task_key = l.from_task_key
WHERE l.decision = 'accepted'
ORDER BY task_key, other_plan_year, other_task_key;
