-- Batch load: tasks not yet known, keyed by (county, plan year, table, 序号); the earliest report of
-- the batch that lists a task defines it, as when the reports are loaded one after another.
INSERT INTO dim_task (county_key, plan_year, table_no, seq, section_key, project, task_text, target_text,
                      deadline, first_report_key)
SELECT n.county_key, n.plan_year, n.table_no, n.seq, d.section_key, n.project, n.task_text, n.target_text,
       n.deadline, n.report_key
FROM (
    SELECT m.county_key, m.plan_year, m.report_key, m.ord, s.*  EXCLUDE (ord)
    FROM st_tasks s JOIN st_map m USING (ord)
    QUALIFY row_number() OVER (PARTITION BY m.county_key, m.plan_year, s.table_no, s.seq ORDER BY m.ord) = 1
) n
LEFT JOIN dim_section d
  ON d.county_key = n.county_key AND d.plan_year = n.plan_year AND d.table_no = n.table_no
 AND d.table_title IS NOT DISTINCT FROM n.table_title
 AND d.part IS NOT DISTINCT FROM n.part
 AND d.section IS NOT DISTINCT FROM n.section
WHERE NOT EXISTS (
    SELECT 1 FROM dim_task t
    WHERE t.county_key = n.county_key AND t.plan_year = n.plan_year AND t.table_no = n.table_no AND t.seq = n.seq
)
ORDER BY n.ord, n.table_no, n.seq;
