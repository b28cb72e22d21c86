SELECT severity, rule, count(*) AS findings
FROM dq_issue
GROUP BY severity, rule
ORDER BY CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, findings DESC, rule;
