INSERT INTO dim_county (county_name, province, prefecture)
VALUES ($county, $province, $prefecture)
ON CONFLICT (county_name) DO NOTHING;
