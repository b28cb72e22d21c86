-- The dated progress column a report was read from (NULL: a report published on its own).
SELECT progress_column FROM dim_report WHERE report_key = $report_key;
