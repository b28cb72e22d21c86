INSERT INTO fct_task_metric (report_key, task_key, metric, comparator, target_value, target_unit, target_text,
                             target_base_value, actual_value, actual_unit, actual_text, actual_base_value,
                             base_unit, achievement_ratio, met, line_start, line_end, result_rank)
SELECT $report_key, t.task_key, s.metric, s.comparator, s.target_value, s.target_unit, s.target_text,
       s.target_base_value, s.actual_value, s.actual_unit, s.actual_text, s.actual_base_value,
       s.base_unit, s.achievement_ratio, s.met, s.line_start, s.line_end, s.result_rank
FROM st_metrics s
JOIN st_tasks t ON t.table_no = s.table_no AND t.seq = s.seq AND t.sub_seq = s.sub_seq;
