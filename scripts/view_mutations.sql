-- Edits for scripts/compare_views.py --mutate: leader and lead-unit changes (within a year, across
-- links, more than three leaders, order-only changes, reports without leaders), stalled statuses and
-- rejected links, so that the history views have rows to compare on a synthetic warehouse (whose
-- leaders never change). No bridge row outside the reports that carry its task: the check
-- bridges_in_progress rules those out. Applied to the COPY only.
-- leaders: drop the first leader in every 7th report for tasks with task_key % 5 = 0
DELETE FROM bridge_task_leader WHERE task_key % 5 = 0 AND report_key % 7 = 0 AND position = 1;
-- leaders: add up to 4 extra leaders (existing leader keys) to some (report, task): size > 3 path
INSERT INTO bridge_task_leader SELECT f.report_key, f.task_key, l.leader_key, 'responsible', 10 + l.leader_key, 1, 1
FROM fct_task_progress f CROSS JOIN dim_leader l
WHERE f.task_key % 11 = 0 AND f.report_key % 3 <> 0 AND l.leader_key <= 5
ON CONFLICT DO NOTHING;
-- same sets in a different order for other tasks (order changes, set does not)
UPDATE bridge_task_leader SET position = 100 - position WHERE task_key % 13 = 0 AND report_key % 2 = 0;
-- lead units: make some responsible units lead in some reports
UPDATE bridge_task_unit SET role = 'lead' WHERE task_key % 17 = 0 AND report_key % 4 = 0 AND position <= 2 AND role = 'responsible';
-- first responsible unit swapped in some reports
UPDATE bridge_task_unit SET position = CASE WHEN position = 1 THEN 2 WHEN position = 2 THEN 1 ELSE position END
WHERE task_key % 19 = 0 AND report_key % 5 = 0 AND role = 'responsible';
-- tasks with no leaders at all in some reports
DELETE FROM bridge_task_leader WHERE task_key % 29 = 0 AND report_key % 3 = 1;
-- statuses: stall some tasks
UPDATE fct_task_progress SET status_code = 'behind' WHERE task_key % 31 = 0 AND report_key % 4 <> 0;
-- some links rejected
UPDATE task_link SET decision = 'rejected' WHERE link_key % 9 = 0;
