-- severity: error
-- Reports, sections and tasks point at an existing county; tasks at an existing section.
SELECT 'dim_report' AS tbl, r.report_key AS key FROM dim_report r LEFT JOIN dim_county c USING (county_key) WHERE c.county_key IS NULL
UNION ALL
SELECT 'dim_task', t.task_key FROM dim_task t LEFT JOIN dim_county c USING (county_key) WHERE c.county_key IS NULL
UNION ALL
SELECT 'dim_task.section', t.task_key FROM dim_task t LEFT JOIN dim_section s USING (section_key)
WHERE t.section_key IS NOT NULL AND s.section_key IS NULL;
