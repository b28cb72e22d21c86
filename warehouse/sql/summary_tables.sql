SELECT c.county_name AS county, t.plan_year, t.table_no, s.table_title, count(*) AS tasks
FROM dim_task t
JOIN dim_county c USING (county_key)
LEFT JOIN dim_section s USING (section_key)
GROUP BY ALL
ORDER BY county, t.plan_year, t.table_no;
