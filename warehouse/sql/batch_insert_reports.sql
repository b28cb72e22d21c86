-- Batch load: one dim_report row per staged report, with the key the loader gave it
-- (warehouse/loader.py load_reports). A changed file for a known report keeps the report's key:
-- the earlier facts of that report are removed first (same transaction).
DELETE FROM fct_task_progress WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);
DELETE FROM fct_task_metric WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);
DELETE FROM bridge_task_unit WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);
DELETE FROM bridge_task_leader WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);
DELETE FROM dq_issue WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);
DELETE FROM dim_report WHERE report_key IN (SELECT report_key FROM st_reports WHERE replaces);

INSERT INTO dim_report (report_key, county_key, plan_year, as_of_date, period_type, title, source_uri, file_name, sha256,
                        raw_path, format, parser_version, metadata_source, task_count, ingested_at, progress_column)
SELECT s.report_key, c.county_key, s.plan_year, s.as_of, s.period_type, s.title, s.source_uri, s.file_name, s.sha256,
       s.raw_path, s.format, s.parser_version, s.metadata_source, s.task_count, $ingested_at, s.progress_column
FROM st_reports s JOIN dim_county c ON c.county_name = s.county
ORDER BY s.ord;

CREATE OR REPLACE TEMP TABLE st_map AS
SELECT s.ord, s.report_key, c.county_key, s.plan_year, s.file_name
FROM st_reports s JOIN dim_county c ON c.county_name = s.county;
