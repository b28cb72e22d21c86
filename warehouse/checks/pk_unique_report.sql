-- severity: error
-- One dim_report row per content hash and as-of date (a file with several dated progress columns
-- gives one report per column) and per (county, plan year, as-of date, period type).
SELECT 'sha256' AS key, concat_ws('/', sha256, as_of_date) AS value, count(*) AS n FROM dim_report
GROUP BY sha256, as_of_date HAVING count(*) > 1
UNION ALL
SELECT 'identity', concat_ws('/', county_key, plan_year, as_of_date, period_type), count(*)
FROM dim_report GROUP BY county_key, plan_year, as_of_date, period_type HAVING count(*) > 1;
