INSERT INTO dim_unit (unit_name, unit_type)
SELECT DISTINCT unit_name, unit_type FROM st_units
ON CONFLICT (unit_name) DO NOTHING;

INSERT INTO bridge_task_unit (report_key, task_key, unit_key, role, position, line_start, line_end)
SELECT $report_key, t.task_key, u.unit_key, s.role, s.position, s.line_start, s.line_end
FROM st_units s
JOIN st_tasks t ON t.table_no = s.table_no AND t.seq = s.seq AND t.sub_seq = s.sub_seq
JOIN dim_unit u ON u.unit_name = s.unit_name;
