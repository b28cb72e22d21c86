-- The counties that have tasks and how many each has, for linking county by county.
SELECT c.county_name, count(*) AS tasks
FROM dim_task t JOIN dim_county c USING (county_key)
GROUP BY c.county_name
ORDER BY c.county_name;
