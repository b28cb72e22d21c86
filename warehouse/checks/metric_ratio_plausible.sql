-- severity: warning
-- Achievement ratios (actual / target) outside 0..10 are more likely a misread figure than a result.
SELECT m.report_key, t.table_no, CASE WHEN t.sub_seq > 0 THEN t.seq || '.' || t.sub_seq ELSE t.seq::VARCHAR END AS seq, m.line_start, m.line_end,
       'achievement ratio ' || round(m.achievement_ratio, 3) || ' for ' || m.metric || ' is outside 0..10' AS message
FROM fct_task_metric m JOIN dim_task t USING (task_key)
WHERE m.achievement_ratio < 0 OR m.achievement_ratio > 10;
