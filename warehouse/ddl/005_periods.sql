-- Reports read from one of several dated progress columns of a file (1-10月推进情况, 1-11月推进情况).
ALTER TABLE dim_report ADD COLUMN IF NOT EXISTS progress_column VARCHAR;
COMMENT ON COLUMN dim_report.progress_column IS 'For a file with several dated progress columns, the column this report was read from (one report per column, each dated at its month''s end); NULL for a report with one progress period.';
