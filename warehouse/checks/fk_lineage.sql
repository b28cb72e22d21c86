-- severity: error
-- The remaining foreign keys resolve: sections → county, a task's first report, both ends of a task
-- link, a finding's report and run, a rejected file's run.
SELECT 'dim_section.county_key' AS fk, s.section_key AS key FROM dim_section s
LEFT JOIN dim_county c USING (county_key) WHERE c.county_key IS NULL
UNION ALL
SELECT 'dim_task.first_report_key', t.task_key FROM dim_task t
LEFT JOIN dim_report r ON r.report_key = t.first_report_key
WHERE t.first_report_key IS NOT NULL AND r.report_key IS NULL
UNION ALL
SELECT 'task_link.from_task_key', l.link_key FROM task_link l
LEFT JOIN dim_task t ON t.task_key = l.from_task_key WHERE t.task_key IS NULL
UNION ALL
SELECT 'task_link.to_task_key', l.link_key FROM task_link l
LEFT JOIN dim_task t ON t.task_key = l.to_task_key WHERE t.task_key IS NULL
UNION ALL
SELECT 'dq_issue.report_key', d.issue_key FROM dq_issue d
LEFT JOIN dim_report r USING (report_key) WHERE d.report_key IS NOT NULL AND r.report_key IS NULL
UNION ALL
SELECT 'dq_issue.run_key', d.issue_key FROM dq_issue d
LEFT JOIN etl_run e USING (run_key) WHERE d.run_key IS NOT NULL AND e.run_key IS NULL
UNION ALL
SELECT 'quarantine.run_key', q.quarantine_key FROM quarantine q
LEFT JOIN etl_run e USING (run_key) WHERE q.run_key IS NOT NULL AND e.run_key IS NULL;
