-- Runs recorded as running (a run that is still going, or one whose process stopped).
SELECT run_key, flow_name, flow_run_id, started_at FROM etl_run WHERE outcome = 'running' ORDER BY run_key;
