SELECT * FROM v_year_over_year_county ORDER BY county, from_year;
