-- (county, plan year) pairs that already have tasks: their reports must be matched to those tasks
-- by text (transforms.linking.match_within_year), so they take the one-report-at-a-time path.
SELECT DISTINCT c.county_name, t.plan_year
FROM dim_task t JOIN dim_county c USING (county_key)
WHERE c.county_name IN (SELECT unnest($counties));
