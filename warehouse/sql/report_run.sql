SELECT run_key, flow_name, flow_run_id, started_at, finished_at, outcome, files_seen, reports_loaded,
       reports_skipped, reports_failed, tasks_loaded, seconds, message
FROM etl_run WHERE run_key = $run_key;
