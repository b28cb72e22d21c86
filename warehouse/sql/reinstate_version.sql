-- A forced load of an earlier version's file: that version becomes current again, the version that
-- was current is superseded by it (both keep their facts).
UPDATE dim_report SET is_current = false, superseded_by = $report_key
WHERE is_current AND report_key <> $report_key AND EXISTS (
    SELECT 1 FROM dim_report v
    WHERE v.report_key = $report_key AND v.county_key = dim_report.county_key AND v.plan_year = dim_report.plan_year
      AND v.as_of_date = dim_report.as_of_date AND v.period_type = dim_report.period_type
);
UPDATE dim_report SET is_current = true, superseded_by = NULL WHERE report_key = $report_key;
