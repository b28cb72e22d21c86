-- The link step's own findings (not tied to a report), for comparison before replacing them.
SELECT rule, severity, message, mapping_file FROM dq_issue
WHERE stage = 'link' AND report_key IS NULL
ORDER BY rule, message;
