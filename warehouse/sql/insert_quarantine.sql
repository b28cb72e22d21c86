INSERT INTO quarantine (run_key, source_file, sha256, raw_path, reason, created_at)
VALUES ($run_key, $source_file, $sha256, $raw_path, $reason, $created_at)
ON CONFLICT (sha256) DO UPDATE SET reason = excluded.reason, run_key = excluded.run_key,
    created_at = excluded.created_at;
