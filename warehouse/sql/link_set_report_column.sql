UPDATE dim_report SET progress_column = $progress_column WHERE report_key = $report_key;
