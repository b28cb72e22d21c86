-- Batch load: one dim_report row per staged report, with the key and version the loader gave it
-- (warehouse/loader.py load_reports). A changed file for a known report is a new version: it
-- becomes current and the version it supersedes stays, with its facts, as not current.
INSERT INTO dim_report (report_key, county_key, plan_year, as_of_date, period_type, title, source_uri, file_name, sha256,
                        raw_path, format, parser_version, metadata_source, task_count, ingested_at, progress_column,
                        version, is_current, superseded_by)
SELECT s.report_key, c.county_key, s.plan_year, s.as_of, s.period_type, s.title, s.source_uri, s.file_name, s.sha256,
       s.raw_path, s.format, s.parser_version, s.metadata_source, s.task_count, $ingested_at, s.progress_column,
       s.version, true, NULL
FROM st_reports s JOIN dim_county c ON c.county_name = s.county
ORDER BY s.ord;

UPDATE dim_report SET is_current = false, superseded_by = s.report_key
FROM st_reports s
WHERE dim_report.report_key = s.supersedes;

CREATE OR REPLACE TEMP TABLE st_map AS
SELECT s.ord, s.report_key, c.county_key, s.plan_year, s.file_name
FROM st_reports s JOIN dim_county c ON c.county_name = s.county;
