-- severity: error
-- One dim_task row per (county, plan year, table, 序号, sub-row) as first stated in a report. (A later report
-- of the plan year may renumber tasks, so two tasks may share a number if first stated in different reports.)
SELECT county_key, plan_year, table_no, seq, sub_seq, first_report_key, count(*) AS n
FROM dim_task GROUP BY ALL HAVING count(*) > 1;
