INSERT INTO dim_report (county_key, plan_year, as_of_date, period_type, title, source_uri, file_name, sha256,
                        raw_path, format, parser_version, metadata_source, task_count, ingested_at)
VALUES ($county_key, $plan_year, $as_of, $period_type, $title, $source_uri, $file_name, $sha256,
        $raw_path, $format, $parser_version, $metadata_source, $task_count, $ingested_at)
RETURNING report_key;
