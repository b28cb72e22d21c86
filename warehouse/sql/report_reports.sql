-- The reports a run loaded (ingested while it ran), or every report when $all_reports, with row counts.
WITH run AS (
    SELECT started_at, coalesce(finished_at, TIMESTAMP '9999-12-31') AS finished_at FROM etl_run WHERE run_key = $run_key
), sel AS (
    SELECT r.* FROM dim_report r CROSS JOIN run
    WHERE $all_reports OR (r.ingested_at >= run.started_at AND r.ingested_at <= run.finished_at)
)
SELECT s.report_key, c.county_name AS county, s.plan_year, s.as_of_date, s.period_type, s.title, s.file_name,
       s.source_uri, s.sha256, s.format, s.parser_version, s.metadata_source, s.task_count, s.ingested_at,
       (SELECT count(*) FROM fct_task_progress f WHERE f.report_key = s.report_key) AS progress_rows,
       (SELECT count(*) FROM fct_task_metric m WHERE m.report_key = s.report_key) AS metric_rows,
       (SELECT count(*) FROM bridge_task_unit b WHERE b.report_key = s.report_key) AS unit_links,
       (SELECT count(*) FROM bridge_task_leader b WHERE b.report_key = s.report_key) AS leader_links,
       (SELECT count(DISTINCT t.section_key) FROM fct_task_progress f JOIN dim_task t USING (task_key)
         WHERE f.report_key = s.report_key) AS sections
FROM sel s JOIN dim_county c USING (county_key)
ORDER BY c.county_name, s.plan_year, s.as_of_date, s.report_key;
