-- Batch load (warehouse/loader.py load_reports): the counties of a staged batch, first spelling wins.
INSERT INTO dim_county (county_name, province, prefecture)
SELECT county, province, prefecture FROM (
    SELECT DISTINCT ON (county) county, province, prefecture FROM st_reports ORDER BY county, ord
) s
WHERE NOT EXISTS (SELECT 1 FROM dim_county c WHERE c.county_name = s.county);
