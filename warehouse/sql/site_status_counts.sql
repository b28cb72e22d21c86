SELECT * FROM v_status_counts ORDER BY county_name, plan_year, sort_order;
