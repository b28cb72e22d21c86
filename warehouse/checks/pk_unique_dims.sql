-- severity: error
-- One row per natural key in every dimension: county name, leader name, unit name, status code, and
-- (county, plan year, table, title, part, section) for sections.
SELECT 'dim_county' AS tbl, county_name AS value, count(*) AS n FROM dim_county GROUP BY county_name HAVING count(*) > 1
UNION ALL
SELECT 'dim_leader', leader_name, count(*) FROM dim_leader GROUP BY leader_name HAVING count(*) > 1
UNION ALL
SELECT 'dim_unit', unit_name, count(*) FROM dim_unit GROUP BY unit_name HAVING count(*) > 1
UNION ALL
SELECT 'dim_status', status_code, count(*) FROM dim_status GROUP BY status_code HAVING count(*) > 1
UNION ALL
SELECT 'dim_section', concat_ws('/', county_key, plan_year, table_no, table_title, part, section), count(*)
FROM dim_section GROUP BY county_key, plan_year, table_no, table_title, part, section HAVING count(*) > 1;
