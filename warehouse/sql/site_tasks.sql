SELECT * FROM v_task_latest ORDER BY county_key, plan_year, table_no, seq, sub_seq;
