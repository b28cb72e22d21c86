-- Versions that are no longer current whose file has one of these contents, with the current
-- version of the same report: a file arriving again after a newer version replaced it.
SELECT o.sha256, o.report_key, o.version, c.report_key AS current_key, c.version AS current_version
FROM dim_report o
JOIN dim_report c ON c.county_key = o.county_key AND c.plan_year = o.plan_year AND c.as_of_date = o.as_of_date
                 AND c.period_type = o.period_type AND c.is_current
WHERE o.sha256 IN (SELECT unnest($shas)) AND NOT o.is_current
ORDER BY o.report_key;
