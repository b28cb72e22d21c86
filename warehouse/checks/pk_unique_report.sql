-- severity: error
-- One dim_report row per content hash and as-of date (a file with several dated progress columns
-- gives one report per column), one row per (county, plan year, as-of date, period type, version),
-- and exactly one current version per (county, plan year, as-of date, period type); a version that
-- is not current names the one that replaced it.
SELECT 'sha256' AS key, concat_ws('/', sha256, as_of_date) AS value, count(*) AS n FROM dim_report
GROUP BY sha256, as_of_date HAVING count(*) > 1
UNION ALL
SELECT 'version', concat_ws('/', county_key, plan_year, as_of_date, period_type, version), count(*)
FROM dim_report GROUP BY county_key, plan_year, as_of_date, period_type, version HAVING count(*) > 1
UNION ALL
SELECT 'current', concat_ws('/', county_key, plan_year, as_of_date, period_type), count(*) FILTER (WHERE is_current)
FROM dim_report GROUP BY county_key, plan_year, as_of_date, period_type HAVING count(*) FILTER (WHERE is_current) <> 1
UNION ALL
SELECT 'superseded_by', CAST(report_key AS VARCHAR), 1 FROM dim_report
WHERE version IS NULL OR is_current IS NULL OR (is_current = (superseded_by IS NOT NULL));
