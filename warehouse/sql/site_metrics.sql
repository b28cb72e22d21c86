SELECT * FROM v_target_actual ORDER BY task_key, as_of_date, metric_key;
