-- A finding about a report version as a whole (an earlier version refused or reinstated): one per
-- version and rule, however often the file arrives, so counts do not depend on the runs.
DELETE FROM dq_issue WHERE report_key = $report_key AND rule = $rule;
INSERT INTO dq_issue (run_key, report_key, source_file, stage, rule, severity, message, created_at)
VALUES ($run_key, $report_key, $source_file, 'report', $rule, $severity, $message, $created_at);
