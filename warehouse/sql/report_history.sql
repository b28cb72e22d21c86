-- The last $limit runs with their counts and their findings per severity.
SELECT e.run_key, e.flow_name, e.started_at, e.outcome, e.files_seen, e.reports_loaded, e.reports_skipped,
       e.reports_failed, e.tasks_loaded, e.seconds,
       count(d.issue_key) FILTER (WHERE d.severity = 'error') AS errors,
       count(d.issue_key) FILTER (WHERE d.severity = 'warning') AS warnings,
       count(d.issue_key) FILTER (WHERE d.severity = 'info') AS infos,
       (SELECT count(*) FROM quarantine q WHERE q.run_key = e.run_key) AS files_rejected
FROM etl_run e LEFT JOIN dq_issue d USING (run_key)
WHERE e.run_key IN (SELECT run_key FROM etl_run ORDER BY run_key DESC LIMIT $limit)
GROUP BY ALL
ORDER BY e.run_key;
