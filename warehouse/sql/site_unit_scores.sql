SELECT * FROM v_scorecard_unit ORDER BY county_name, plan_year, tasks DESC, unit_name;
