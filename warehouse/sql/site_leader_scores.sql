SELECT * FROM v_scorecard_leader ORDER BY county_name, plan_year, tasks DESC, leader_name;
