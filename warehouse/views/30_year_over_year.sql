-- Year over year: how each task stood at the end of plan year N beside how its version in plan year
-- N+1 stands now. Versions are joined by accepted links (task_link)
-- between consecutive plan years; a year-N task without one is finished or dropped, a year-N+1 task
-- without one is new. Compared only where the county has both years.

CREATE OR REPLACE VIEW v_year_over_year AS
WITH last_status AS (
    -- each task's status in the latest progress report of its own plan year (a plan has no status)
    SELECT f.task_key, r.as_of_date, f.status_code
    FROM fct_task_progress f
    JOIN dim_report r ON r.report_key = f.report_key
    WHERE r.period_type <> 'plan' AND r.is_current
    QUALIFY row_number() OVER (PARTITION BY f.task_key ORDER BY r.as_of_date DESC, r.report_key DESC) = 1
),
years AS (
    SELECT DISTINCT county_key, plan_year FROM dim_task
),
pairs AS (
    SELECT DISTINCT l.from_task_key, l.to_task_key
    FROM task_link l
    JOIN dim_task a ON a.task_key = l.from_task_key
    JOIN dim_task b ON b.task_key = l.to_task_key
    WHERE l.decision = 'accepted' AND b.plan_year = a.plan_year + 1 AND b.county_key = a.county_key
),
sides AS (
    SELECT from_task_key, to_task_key FROM pairs
    UNION ALL
    SELECT a.task_key, NULL
    FROM dim_task a
    JOIN years y ON y.county_key = a.county_key AND y.plan_year = a.plan_year + 1
    WHERE a.task_key NOT IN (SELECT from_task_key FROM pairs)
    UNION ALL
    SELECT NULL, b.task_key
    FROM dim_task b
    JOIN years y ON y.county_key = b.county_key AND y.plan_year = b.plan_year - 1
    WHERE b.task_key NOT IN (SELECT to_task_key FROM pairs)
),
-- how far along a status is (as in v_status_transitions); unknown has no rank
status_rank (status_code, progress_rank) AS (
    VALUES ('not_started', 1), ('behind', 2), ('in_progress', 3), ('ongoing', 3), ('completed', 4), ('unknown', NULL)
)
SELECT c.county_name AS county,
       coalesce(a.plan_year, b.plan_year - 1) AS from_year,
       coalesce(b.plan_year, a.plan_year + 1) AS to_year,
       coalesce(a.thread_key, b.thread_key) AS thread_key,
       a.task_key AS from_task_key, a.table_no AS from_table_no, a.seq AS from_seq, a.task_text AS from_text,
       la.as_of_date AS from_as_of, la.status_code AS from_status,
       ta.leaders AS from_leaders, coalesce(ta.lead_units, ta.responsible_units) AS from_lead_units,
       b.task_key AS to_task_key, b.table_no AS to_table_no, b.seq AS to_seq, b.task_text AS to_text,
       lb.as_of_date AS to_as_of, lb.status_code AS to_status,
       tb.leaders AS to_leaders, coalesce(tb.lead_units, tb.responsible_units) AS to_lead_units,
       CASE
           WHEN a.task_key IS NULL THEN 'new'
           WHEN b.task_key IS NULL AND la.status_code = 'completed' THEN 'finished'
           WHEN b.task_key IS NULL THEN 'dropped'
           WHEN ra.progress_rank IS NULL OR rb.progress_rank IS NULL THEN 'kept'
           WHEN rb.progress_rank > ra.progress_rank THEN 'better'
           WHEN rb.progress_rank < ra.progress_rank THEN 'worse'
           ELSE 'kept'
       END AS change
FROM sides s
LEFT JOIN dim_task a ON a.task_key = s.from_task_key
LEFT JOIN dim_task b ON b.task_key = s.to_task_key
JOIN dim_county c ON c.county_key = coalesce(a.county_key, b.county_key)
LEFT JOIN last_status la ON la.task_key = a.task_key
LEFT JOIN last_status lb ON lb.task_key = b.task_key
LEFT JOIN v_task_latest ta ON ta.task_key = a.task_key
LEFT JOIN v_task_latest tb ON tb.task_key = b.task_key
LEFT JOIN status_rank ra ON ra.status_code = la.status_code
LEFT JOIN status_rank rb ON rb.status_code = lb.status_code;

COMMENT ON VIEW v_year_over_year IS 'Grain: one row per task version pair across consecutive plan years of a county (year-N task × its linked year-N+1 version; a year-N task without a version in N+1, or a year-N+1 task without one in N, stands alone). The year-N task''s status at the last progress report of year N beside its version''s status at the latest progress report of year N+1, the leaders and lead units on both sides, and the change: finished, better, kept, worse, dropped or new. Only counties with tasks in both years; a task split in two gives two rows. How did last year''s tasks end, and where do their successors stand?';
COMMENT ON COLUMN v_year_over_year.county IS 'County name.';
COMMENT ON COLUMN v_year_over_year.from_year IS 'The earlier plan year (N).';
COMMENT ON COLUMN v_year_over_year.to_year IS 'The later plan year (N+1).';
COMMENT ON COLUMN v_year_over_year.thread_key IS 'Thread: the chain of the task''s linked versions across plan years.';
COMMENT ON COLUMN v_year_over_year.from_task_key IS 'The year-N task (dim_task.task_key); NULL when the year-N+1 task is new.';
COMMENT ON COLUMN v_year_over_year.from_table_no IS 'Table number of the year-N task within its plan year.';
COMMENT ON COLUMN v_year_over_year.from_seq IS 'Sequence number (序号) of the year-N task in its table.';
COMMENT ON COLUMN v_year_over_year.from_text IS 'The year-N task as stated.';
COMMENT ON COLUMN v_year_over_year.from_as_of IS 'As-of date of the last progress report of year N that carries the year-N task; NULL when none does.';
COMMENT ON COLUMN v_year_over_year.from_status IS 'Status code of the year-N task in that report (completed, in_progress, ongoing, behind, not_started, unknown); NULL when never reported on.';
COMMENT ON COLUMN v_year_over_year.from_leaders IS 'Responsible leaders of the year-N task, as its latest report names them.';
COMMENT ON COLUMN v_year_over_year.from_lead_units IS 'Lead units (牵头单位) of the year-N task as its latest report names them, or its responsible units when the report names no lead unit.';
COMMENT ON COLUMN v_year_over_year.to_task_key IS 'The year-N+1 version (dim_task.task_key); NULL when the year-N task has none.';
COMMENT ON COLUMN v_year_over_year.to_table_no IS 'Table number of the year-N+1 version within its plan year.';
COMMENT ON COLUMN v_year_over_year.to_seq IS 'Sequence number (序号) of the year-N+1 version in its table.';
COMMENT ON COLUMN v_year_over_year.to_text IS 'The year-N+1 version as stated.';
COMMENT ON COLUMN v_year_over_year.to_as_of IS 'As-of date of the latest progress report of year N+1 that carries the version; NULL when only the plan does.';
COMMENT ON COLUMN v_year_over_year.to_status IS 'Status code of the year-N+1 version in that report; NULL when no progress report carries it yet.';
COMMENT ON COLUMN v_year_over_year.to_leaders IS 'Responsible leaders of the year-N+1 version, as its latest report names them.';
COMMENT ON COLUMN v_year_over_year.to_lead_units IS 'Lead units (牵头单位) of the year-N+1 version as its latest report names them, or its responsible units when the report names no lead unit.';
COMMENT ON COLUMN v_year_over_year.change IS 'finished (no version in N+1, completed at the end of N), dropped (no version in N+1, not completed at the end of N), new (no version in N), better or worse (the N+1 status ranks higher or lower: not_started < behind < in_progress = ongoing < completed), kept (carried on at the same rank, or a side without a known status).';

CREATE OR REPLACE VIEW v_year_over_year_county AS
SELECT county, from_year, to_year,
       count(DISTINCT from_task_key) AS from_tasks,
       count(DISTINCT to_task_key) AS to_tasks,
       count(DISTINCT from_task_key) FILTER (WHERE from_status = 'completed') AS from_completed,
       round(count(DISTINCT from_task_key) FILTER (WHERE from_status = 'completed') / nullif(count(DISTINCT from_task_key), 0), 4) AS from_completed_share,
       count(DISTINCT to_task_key) FILTER (WHERE to_status = 'completed') AS to_completed,
       round(count(DISTINCT to_task_key) FILTER (WHERE to_status = 'completed') / nullif(count(DISTINCT to_task_key), 0), 4) AS to_completed_share,
       count(*) FILTER (WHERE change = 'finished') AS finished,
       count(*) FILTER (WHERE change = 'better') AS better,
       count(*) FILTER (WHERE change = 'kept') AS kept,
       count(*) FILTER (WHERE change = 'worse') AS worse,
       count(*) FILTER (WHERE change = 'dropped') AS dropped,
       count(*) FILTER (WHERE change = 'new') AS new,
       count(DISTINCT from_task_key) FILTER (WHERE to_task_key IS NOT NULL AND from_status IS DISTINCT FROM 'completed') AS carried_unfinished
FROM v_year_over_year
GROUP BY county, from_year, to_year;

COMMENT ON VIEW v_year_over_year_county IS 'Grain: one row per county × pair of consecutive plan years (N, N+1) that both have tasks. How many tasks each year has and how many were completed at the end of N and at the latest report of N+1, and the rows of v_year_over_year per change. How does this year compare with last year, county by county?';
COMMENT ON COLUMN v_year_over_year_county.county IS 'County name.';
COMMENT ON COLUMN v_year_over_year_county.from_year IS 'The earlier plan year (N).';
COMMENT ON COLUMN v_year_over_year_county.to_year IS 'The later plan year (N+1).';
COMMENT ON COLUMN v_year_over_year_county.from_tasks IS 'Tasks of year N.';
COMMENT ON COLUMN v_year_over_year_county.to_tasks IS 'Tasks of year N+1.';
COMMENT ON COLUMN v_year_over_year_county.from_completed IS 'Tasks of year N completed at the last progress report of year N.';
COMMENT ON COLUMN v_year_over_year_county.from_completed_share IS 'from_completed / from_tasks (0 … 1).';
COMMENT ON COLUMN v_year_over_year_county.to_completed IS 'Tasks of year N+1 completed at the latest progress report of year N+1.';
COMMENT ON COLUMN v_year_over_year_county.to_completed_share IS 'to_completed / to_tasks (0 … 1).';
COMMENT ON COLUMN v_year_over_year_county.finished IS 'Rows of v_year_over_year with change finished: completed in N and not carried into N+1.';
COMMENT ON COLUMN v_year_over_year_county.better IS 'Rows with change better: the N+1 version ranks higher than the year-N task ended.';
COMMENT ON COLUMN v_year_over_year_county.kept IS 'Rows with change kept: carried into N+1 at the same rank (or a side without a known status).';
COMMENT ON COLUMN v_year_over_year_county.worse IS 'Rows with change worse: the N+1 version ranks lower than the year-N task ended.';
COMMENT ON COLUMN v_year_over_year_county.dropped IS 'Rows with change dropped: not completed in N and not carried into N+1.';
COMMENT ON COLUMN v_year_over_year_county.new IS 'Rows with change new: year-N+1 tasks without a year-N version.';
COMMENT ON COLUMN v_year_over_year_county.carried_unfinished IS 'Tasks of year N not completed at its end that have a version in N+1 (carried over unfinished).';
