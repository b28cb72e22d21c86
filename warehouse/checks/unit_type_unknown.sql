-- severity: warning
-- mapping_file: schemas/mappings/units.yaml
-- Responsible units that no alias or typing rule of units.yaml recognises (unit_type 'other'):
-- add an alias or a typing rule, or fix the source if the name is garbled.
SELECT b.report_key, t.table_no, CASE WHEN t.sub_seq > 0 THEN t.seq || '.' || t.sub_seq ELSE t.seq::VARCHAR END AS seq, min(b.line_start) AS line_start, max(b.line_end) AS line_end,
       'unknown responsible unit ' || u.unit_name || ' (not recognised by schemas/mappings/units.yaml)' AS message
FROM bridge_task_unit b
JOIN dim_unit u USING (unit_key)
JOIN dim_task t USING (task_key)
WHERE u.unit_type = 'other'
GROUP BY b.report_key, t.table_no, t.seq, t.sub_seq, u.unit_name
ORDER BY b.report_key, t.table_no, t.seq, t.sub_seq;
