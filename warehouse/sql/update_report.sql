UPDATE dim_report SET
    title = $title, source_uri = $source_uri, file_name = $file_name, sha256 = $sha256,
    raw_path = $raw_path, format = $format, parser_version = $parser_version,
    metadata_source = $metadata_source, task_count = $task_count, ingested_at = $ingested_at
WHERE report_key = $report_key;
