-- The report's rows that are new tasks of this plan year, with the keys the loader assigned
-- (transforms.linking.match_within_year decided which rows are known tasks).
INSERT INTO dim_task (task_key, county_key, plan_year, table_no, seq, sub_seq, section_key, project, task_text, target_text,
                      deadline, first_report_key)
SELECT s.task_key, $county_key, $plan_year, s.table_no, s.seq, s.sub_seq, d.section_key, s.project, s.task_text, s.target_text,
       s.deadline, $report_key
FROM st_tasks s
LEFT JOIN dim_section d
  ON d.county_key = $county_key AND d.plan_year = $plan_year AND d.table_no = s.table_no
 AND d.table_title IS NOT DISTINCT FROM s.table_title
 AND d.part IS NOT DISTINCT FROM s.part
 AND d.section IS NOT DISTINCT FROM s.section
WHERE s.is_new;
