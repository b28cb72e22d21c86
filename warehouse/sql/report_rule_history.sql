-- Findings per rule in each of the last $limit runs (for the chart across runs).
SELECT d.run_key, d.rule,
       max(CASE d.severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END) AS severity_rank,
       count(*) AS findings
FROM dq_issue d
WHERE d.run_key IN (SELECT run_key FROM etl_run ORDER BY run_key DESC LIMIT $limit)
GROUP BY d.run_key, d.rule
ORDER BY d.rule, d.run_key;
