-- Step $step finished for these reports (their current content) in run $run_key.
INSERT OR REPLACE INTO report_step (report_key, sha256, step, run_key, finished_at)
SELECT r.report_key, r.sha256, $step, $run_key, $finished_at FROM dim_report r
WHERE r.report_key IN (SELECT unnest($reports));
