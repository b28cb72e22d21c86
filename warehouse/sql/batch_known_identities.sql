-- The current version of every report already in the warehouse for these counties (identity:
-- county, plan year, as-of, period), with the dated progress column it was read from (NULL: a report
-- published on its own), its file and the highest version number of its identity.
SELECT c.county_name, r.plan_year, r.as_of_date, r.period_type, r.report_key, r.progress_column, r.file_name,
       r.version, max(v.version) AS last_version
FROM dim_report r
JOIN dim_county c USING (county_key)
JOIN dim_report v ON v.county_key = r.county_key AND v.plan_year = r.plan_year AND v.as_of_date = r.as_of_date
                 AND v.period_type = r.period_type
WHERE c.county_name IN (SELECT unnest($counties)) AND r.is_current
GROUP BY ALL;
