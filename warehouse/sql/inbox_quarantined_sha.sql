-- quarantined files by sha256 with their reason (the inbox skips them unless retry_quarantined);
-- files quarantined by an earlier attempt of flow run $flow_run_id are not listed, so its retry tries them again
SELECT q.sha256, q.reason FROM quarantine q LEFT JOIN etl_run r USING (run_key)
WHERE $flow_run_id IS NULL OR r.flow_run_id IS DISTINCT FROM $flow_run_id;
