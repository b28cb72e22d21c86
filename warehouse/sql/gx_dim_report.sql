-- The reports Great Expectations validates this run (dim_report's suite), not the whole table: the
-- warehouse checks (warehouse/checks/pk_unique_report.sql …) cover every report.
SELECT * FROM dim_report WHERE report_key IN (SELECT unnest($reports))
