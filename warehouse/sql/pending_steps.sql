-- Reports whose step $step has not finished for their current content.
SELECT r.report_key FROM dim_report r
WHERE NOT EXISTS (SELECT 1 FROM report_step s WHERE s.report_key = r.report_key AND s.sha256 = r.sha256 AND s.step = $step)
ORDER BY r.report_key;
