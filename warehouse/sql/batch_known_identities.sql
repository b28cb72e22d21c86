-- Reports already in the warehouse for these counties (identity: county, plan year, as-of, period),
-- with the dated progress column each was read from (NULL: a report published on its own).
SELECT c.county_name, r.plan_year, r.as_of_date, r.period_type, r.report_key, r.progress_column
FROM dim_report r JOIN dim_county c USING (county_key)
WHERE c.county_name IN (SELECT unnest($counties));
