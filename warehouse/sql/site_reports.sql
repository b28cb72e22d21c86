-- Current report versions per county and plan year (the tracker's report list).
SELECT county_key, plan_year, report_key, as_of_date, period_type, title, file_name, source_uri, task_count
FROM dim_report
WHERE is_current
ORDER BY county_key, plan_year, as_of_date;
