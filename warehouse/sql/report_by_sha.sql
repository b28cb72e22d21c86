SELECT report_key, county_key, plan_year, as_of_date, period_type FROM dim_report WHERE sha256 = $sha256;
