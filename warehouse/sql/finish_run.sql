UPDATE etl_run SET finished_at = $finished_at, outcome = $outcome, files_seen = $files_seen,
    reports_loaded = $reports_loaded, reports_skipped = $reports_skipped, reports_failed = $reports_failed,
    tasks_loaded = $tasks_loaded, seconds = $seconds, message = $message
WHERE run_key = $run_key;
