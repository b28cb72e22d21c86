-- Batch load: progress, metrics, units, leaders and their bridges for every report of the batch.
CREATE OR REPLACE TEMP TABLE st_task_keys AS
SELECT s.ord, m.report_key, s.table_no, s.seq, s.sub_seq, s.task_key
FROM st_tasks s
JOIN st_map m USING (ord);

INSERT INTO fct_task_progress (report_key, task_key, status_code, status_evidence, status_confidence,
                               explicit_status, progress_label, progress_text, progress_json, issues_text,
                               note_text, expected_progress, on_schedule, line_start, line_end,
                               deadline_text, deadline_date, deadline_basis, reported_pct, pct_gap)
SELECT k.report_key, k.task_key, s.status, s.status_evidence, s.status_confidence, s.status_raw,
       s.progress_label, s.progress_text, s.progress_json, s.issues, s.note, s.expected_progress,
       s.on_schedule, s.line_start, s.line_end,
       s.deadline_text, CAST(s.deadline_date AS DATE), s.deadline_basis, s.reported_pct, s.pct_gap
FROM st_tasks s JOIN st_task_keys k USING (ord, table_no, seq, sub_seq)
ORDER BY k.report_key, k.task_key;

INSERT INTO fct_task_metric (report_key, task_key, metric, comparator, target_value, target_unit, target_text,
                             target_base_value, actual_value, actual_unit, actual_text, actual_base_value,
                             base_unit, achievement_ratio, met, line_start, line_end, result_rank)
SELECT k.report_key, k.task_key, s.metric, s.comparator, s.target_value, s.target_unit, s.target_text,
       s.target_base_value, s.actual_value, s.actual_unit, s.actual_text, s.actual_base_value,
       s.base_unit, s.achievement_ratio, s.met, s.line_start, s.line_end, s.result_rank
FROM st_metrics s JOIN st_task_keys k USING (ord, table_no, seq, sub_seq)
ORDER BY s.ord, s.pos;

INSERT INTO dim_unit (unit_name, unit_type)
SELECT unit_name, unit_type FROM (SELECT DISTINCT ON (unit_name) unit_name, unit_type FROM st_units ORDER BY unit_name, ord, pos) s
WHERE NOT EXISTS (SELECT 1 FROM dim_unit u WHERE u.unit_name = s.unit_name)
ORDER BY unit_name;

INSERT INTO bridge_task_unit (report_key, task_key, unit_key, role, position, line_start, line_end)
SELECT DISTINCT ON (k.report_key, k.task_key, u.unit_key, s.role)
       k.report_key, k.task_key, u.unit_key, s.role, s.position, s.line_start, s.line_end
FROM st_units s JOIN st_task_keys k USING (ord, table_no, seq, sub_seq)
JOIN dim_unit u ON u.unit_name = s.unit_name
ORDER BY k.report_key, k.task_key, u.unit_key, s.role, s.pos;

INSERT INTO dim_leader (leader_name, is_role)
SELECT leader_name, is_role FROM (SELECT DISTINCT ON (leader_name) leader_name, is_role FROM st_leaders ORDER BY leader_name, ord, pos) s
WHERE NOT EXISTS (SELECT 1 FROM dim_leader l WHERE l.leader_name = s.leader_name)
ORDER BY leader_name;

INSERT INTO bridge_task_leader (report_key, task_key, leader_key, role, position, line_start, line_end)
SELECT DISTINCT ON (k.report_key, k.task_key, l.leader_key)
       k.report_key, k.task_key, l.leader_key, 'responsible', s.position, s.line_start, s.line_end
FROM st_leaders s JOIN st_task_keys k USING (ord, table_no, seq, sub_seq)
JOIN dim_leader l ON l.leader_name = s.leader_name
ORDER BY k.report_key, k.task_key, l.leader_key, s.pos;

INSERT INTO dq_issue (run_key, report_key, source_file, table_no, seq, line_start, line_end, stage, rule,
                      severity, message, mapping_file, created_at)
SELECT $run_key, m.report_key, m.file_name, s.table_no, s.seq, s.line_start, s.line_end, s.stage, s.rule,
       s.severity, s.message, s.mapping_file, $created_at
FROM st_dq s JOIN st_map m USING (ord)
ORDER BY s.ord, s.pos;

DROP TABLE st_task_keys;
DROP TABLE st_map;
