-- Files the run rejected (nothing of them was loaded), or every rejected file when $all_reports.
SELECT quarantine_key, run_key, source_file, sha256, raw_path, reason, created_at
FROM quarantine WHERE run_key = $run_key OR $all_reports
ORDER BY created_at, quarantine_key;
