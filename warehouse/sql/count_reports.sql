-- how many reports a warehouse file holds (checks a published copy against the live file)
SELECT count(*) FROM dim_report;
