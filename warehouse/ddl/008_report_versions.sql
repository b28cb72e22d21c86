-- Report versions (docs/reliability.md "Report versions"): a changed file for a known report
-- (same county, plan year, as-of date and period type, other bytes) is loaded as a new version
-- beside the earlier ones. Every version keeps its facts; the views and task_current read the
-- current one only. The columns are in 001_tables.sql; a warehouse built before versions (one row
-- per report, UNIQUE without version) has its dim_report rebuilt by warehouse.db.ensure_schema,
-- each report becoming version 1, current.
COMMENT ON COLUMN dim_report.version IS 'Version of the report: 1 for the first file loaded for its county, plan year, as-of date and period type, 2, 3, … for each changed file after it, in the order they were loaded.';
COMMENT ON COLUMN dim_report.is_current IS 'True for the one version of the report that the views and task_current read: the latest loaded, unless an earlier version was reinstated by a forced load. The facts of the other versions stay in the fact tables (same report_key).';
COMMENT ON COLUMN dim_report.superseded_by IS 'For a version that is not current, the version that replaced it (dim_report.report_key); NULL for the current version.';
