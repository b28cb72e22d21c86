-- The newest finished run that loaded a report: the one a reviewer opens by default (a linking run,
-- or an ingest that found nothing new, loads nothing).
SELECT run_key FROM etl_run WHERE outcome <> 'running' AND reports_loaded > 0 ORDER BY run_key DESC LIMIT 1;
