SELECT report_key, sha256 FROM dim_report
WHERE county_key = $county_key AND plan_year = $plan_year AND as_of_date = $as_of AND period_type = $period_type;
