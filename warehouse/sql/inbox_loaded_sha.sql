-- sha256 of every report in the warehouse (the inbox skips this content)
SELECT sha256 FROM dim_report;
