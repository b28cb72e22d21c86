INSERT INTO etl_run (flow_name, flow_run_id, started_at, outcome)
VALUES ($flow_name, $flow_run_id, $started_at, 'running')
RETURNING run_key;
