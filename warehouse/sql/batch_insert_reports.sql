-- Batch load: one dim_report row per staged report (all new identities, see loader.load_reports).
INSERT INTO dim_report (county_key, plan_year, as_of_date, period_type, title, source_uri, file_name, sha256,
                        raw_path, format, parser_version, metadata_source, task_count, ingested_at)
SELECT c.county_key, s.plan_year, s.as_of, s.period_type, s.title, s.source_uri, s.file_name, s.sha256,
       s.raw_path, s.format, s.parser_version, s.metadata_source, s.task_count, $ingested_at
FROM st_reports s JOIN dim_county c ON c.county_name = s.county
ORDER BY s.ord;

CREATE OR REPLACE TEMP TABLE st_map AS
SELECT s.ord, r.report_key, r.county_key, r.plan_year, s.file_name
FROM st_reports s JOIN dim_report r ON r.sha256 = s.sha256;
