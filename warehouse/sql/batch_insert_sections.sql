-- Batch load: new (table, part, section) headings of every county and plan year in the batch.
INSERT INTO dim_section (county_key, plan_year, table_no, table_title, part, section)
SELECT county_key, plan_year, table_no, table_title, part, section FROM (
    SELECT DISTINCT m.county_key, m.plan_year, s.table_no, s.table_title, s.part, s.section
    FROM st_tasks s JOIN st_map m USING (ord)
) n
WHERE NOT EXISTS (
    SELECT 1 FROM dim_section d
    WHERE d.county_key = n.county_key AND d.plan_year = n.plan_year AND d.table_no = n.table_no
      AND d.table_title IS NOT DISTINCT FROM n.table_title
      AND d.part IS NOT DISTINCT FROM n.part
      AND d.section IS NOT DISTINCT FROM n.section
)
ORDER BY county_key, plan_year, table_no;
