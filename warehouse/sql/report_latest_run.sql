-- The newest finished run (the one `luoshi report` shows by default).
SELECT run_key FROM etl_run ORDER BY (outcome = 'running'), run_key DESC LIMIT 1;
