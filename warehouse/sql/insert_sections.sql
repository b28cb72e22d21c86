-- New (table, part, section) headings of this county and plan year; NULL parts compare equal.
INSERT INTO dim_section (county_key, plan_year, table_no, table_title, part, section)
SELECT DISTINCT $county_key, $plan_year, s.table_no, s.table_title, s.part, s.section
FROM st_tasks s
WHERE NOT EXISTS (
    SELECT 1 FROM dim_section d
    WHERE d.county_key = $county_key AND d.plan_year = $plan_year AND d.table_no = s.table_no
      AND d.table_title IS NOT DISTINCT FROM s.table_title
      AND d.part IS NOT DISTINCT FROM s.part
      AND d.section IS NOT DISTINCT FROM s.section
);
