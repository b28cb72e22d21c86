-- severity: error
-- One dim_task row per (county, plan year, table, 序号).
SELECT county_key, plan_year, table_no, seq, count(*) AS n
FROM dim_task GROUP BY ALL HAVING count(*) > 1;
