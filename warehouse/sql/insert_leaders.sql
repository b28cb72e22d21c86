INSERT INTO dim_leader (leader_name, is_role)
SELECT DISTINCT leader_name, is_role FROM st_leaders
ON CONFLICT (leader_name) DO NOTHING;

INSERT INTO bridge_task_leader (report_key, task_key, leader_key, role, position, line_start, line_end)
SELECT $report_key, t.task_key, l.leader_key, 'responsible', s.position, s.line_start, s.line_end
FROM st_leaders s
JOIN st_tasks t ON t.table_no = s.table_no AND t.seq = s.seq AND t.sub_seq = s.sub_seq
JOIN dim_leader l ON l.leader_name = s.leader_name;
