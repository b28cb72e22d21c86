SELECT r.report_key, c.county_name AS county, r.plan_year, r.as_of_date, r.period_type, r.task_count,
       r.metadata_source, r.file_name
FROM dim_report r JOIN dim_county c USING (county_key)
WHERE r.is_current
ORDER BY c.county_name, r.as_of_date;
