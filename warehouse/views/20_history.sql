-- Task history (docs/sections/history.md): status per report, transitions, stalls, carry-over and
-- responsibility. Progress reports only (period_type <> 'plan': a plan breakdown has no status),
-- except v_responsibility_history, which also reads the plan's leaders and units.

CREATE OR REPLACE VIEW v_status_history AS
WITH progress_reports AS (
    SELECT r.report_key, r.as_of_date, r.period_type,
           row_number() OVER (PARTITION BY r.county_key, r.plan_year ORDER BY r.as_of_date, r.report_key) AS report_no
    FROM dim_report r
    WHERE r.period_type <> 'plan'
)
SELECT c.county_name AS county, t.plan_year, t.thread_key, t.task_key, t.table_no, t.seq, t.task_text,
       r.report_key, r.report_no, r.as_of_date, r.period_type,
       f.status_code, s.label_zh AS status_zh, s.is_final,
       f.status_evidence, f.status_confidence, f.expected_progress, f.on_schedule, f.progress_text
FROM fct_task_progress f
JOIN progress_reports r ON r.report_key = f.report_key
JOIN dim_task t ON t.task_key = f.task_key
JOIN dim_county c ON c.county_key = t.county_key
JOIN dim_status s ON s.status_code = f.status_code;

COMMENT ON VIEW v_status_history IS 'One row per task per progress report: the task''s status at that as-of date with its evidence. report_no numbers the progress reports of a county''s plan year (1 = earliest); thread_key follows the task across plan years. Plan breakdowns (no status) are left out.';

CREATE OR REPLACE VIEW v_status_transitions AS
WITH pairs AS (
    SELECT report_key, county_key, plan_year, as_of_date,
           lag(report_key) OVER w AS prev_report_key, lag(as_of_date) OVER w AS prev_as_of_date
    FROM dim_report
    WHERE period_type <> 'plan'
    WINDOW w AS (PARTITION BY county_key, plan_year ORDER BY as_of_date, report_key)
),
before AS (
    SELECT p.report_key, f.task_key, f.status_code FROM pairs p JOIN fct_task_progress f ON f.report_key = p.prev_report_key
),
after AS (
    SELECT p.report_key, f.task_key, f.status_code FROM pairs p JOIN fct_task_progress f ON f.report_key = p.report_key
    WHERE p.prev_report_key IS NOT NULL
),
both_sides AS (
    SELECT coalesce(b.report_key, a.report_key) AS report_key, coalesce(b.task_key, a.task_key) AS task_key,
           b.status_code AS status_before, a.status_code AS status_after
    FROM before b FULL OUTER JOIN after a ON a.report_key = b.report_key AND a.task_key = b.task_key
),
-- how far along a status is; unknown has no rank, ongoing (a standing duty) ranks with in_progress
status_rank (status_code, progress_rank) AS (
    VALUES ('not_started', 1), ('behind', 2), ('in_progress', 3), ('ongoing', 3), ('completed', 4), ('unknown', NULL)
)
SELECT c.county_name AS county, p.plan_year, t.thread_key, x.task_key, t.table_no, t.seq, t.task_text,
       p.prev_report_key AS from_report_key, p.prev_as_of_date AS from_as_of, p.report_key AS to_report_key,
       p.as_of_date AS to_as_of, x.status_before, x.status_after,
       CASE
           WHEN x.status_before IS NULL THEN 'new'
           WHEN x.status_after IS NULL THEN 'dropped'
           WHEN x.status_before = x.status_after THEN 'unchanged'
           WHEN rb.progress_rank IS NULL OR ra.progress_rank IS NULL THEN 'unclear'
           WHEN ra.progress_rank > rb.progress_rank THEN 'improved'
           WHEN ra.progress_rank < rb.progress_rank THEN 'declined'
           ELSE 'unchanged'
       END AS transition
FROM both_sides x
JOIN pairs p ON p.report_key = x.report_key
JOIN dim_task t ON t.task_key = x.task_key
JOIN dim_county c ON c.county_key = p.county_key
LEFT JOIN status_rank rb ON rb.status_code = x.status_before
LEFT JOIN status_rank ra ON ra.status_code = x.status_after;

COMMENT ON VIEW v_status_transitions IS 'One row per task per pair of consecutive progress reports of a county''s plan year: status before and after and the transition: improved or declined (by progress rank not_started < behind < in_progress = ongoing < completed), unchanged, new (not in the earlier report), dropped (not in the later report), unclear (one side unknown).';

CREATE OR REPLACE VIEW v_stalled_tasks AS
WITH h AS (
    SELECT *, report_no - row_number() OVER (PARTITION BY task_key, status_code ORDER BY report_no) AS run_id,
           max(report_no) OVER (PARTITION BY task_key) AS task_last_report_no
    FROM v_status_history
),
runs AS (
    SELECT county, plan_year, thread_key, task_key, table_no, seq, task_text, status_code, status_zh,
           count(*) AS reports_in_a_row, min(as_of_date) AS since_as_of, max(as_of_date) AS through_as_of,
           max(report_no) = max(task_last_report_no) AS is_current
    FROM h
    WHERE NOT is_final AND status_code NOT IN ('unknown', 'ongoing')
    GROUP BY county, plan_year, thread_key, task_key, table_no, seq, task_text, status_code, status_zh, run_id
)
SELECT * FROM runs WHERE reports_in_a_row >= 2;

COMMENT ON VIEW v_stalled_tasks IS 'One row per run of two or more consecutive progress reports of a plan year in which a task kept the same non-final status (behind, not_started, in_progress; unknown and ongoing are not stalls). Filter reports_in_a_row >= N for N reports; is_current: the run reaches the task''s latest report.';

CREATE OR REPLACE VIEW v_carried_over AS
WITH last_status AS (
    SELECT task_key, status_code, is_final, as_of_date,
           row_number() OVER (PARTITION BY task_key ORDER BY report_no DESC) AS rn
    FROM v_status_history
)
SELECT c.county_name AS county, a.thread_key,
       a.plan_year AS from_year, a.task_key AS from_task_key, a.table_no AS from_table_no, a.seq AS from_seq,
       a.task_text AS from_text, ls.as_of_date AS last_as_of, ls.status_code AS last_status,
       CASE WHEN ls.status_code IS NULL OR ls.status_code = 'unknown' THEN NULL ELSE NOT ls.is_final END AS unfinished,
       b.plan_year AS to_year, b.task_key AS to_task_key, b.table_no AS to_table_no, b.seq AS to_seq,
       b.task_text AS to_text, l.link_type, l.method, l.score
FROM task_link l
JOIN dim_task a ON a.task_key = l.from_task_key
JOIN dim_task b ON b.task_key = l.to_task_key
JOIN dim_county c ON c.county_key = a.county_key
LEFT JOIN last_status ls ON ls.task_key = a.task_key AND ls.rn = 1
WHERE l.decision = 'accepted';

COMMENT ON VIEW v_carried_over IS 'One row per accepted link from a task of one plan year to its continuation in a later plan year (continues, merge or split), with the task''s last status in its own year; unfinished = that status was not final (NULL when unknown or never reported on).';

CREATE OR REPLACE VIEW v_responsibility_history AS
WITH appear AS (
    SELECT f.task_key, f.report_key, r.as_of_date
    FROM fct_task_progress f JOIN dim_report r ON r.report_key = f.report_key
),
leaders AS (
    SELECT b.report_key, b.task_key, list(l.leader_name ORDER BY b.position) AS leaders
    FROM bridge_task_leader b JOIN dim_leader l ON l.leader_key = b.leader_key
    GROUP BY b.report_key, b.task_key
),
-- lead units: those in a lead role; a report with one undivided 责任单位 column → its first unit
units AS (
    SELECT b.report_key, b.task_key,
           CASE WHEN count(*) FILTER (WHERE b.role = 'lead') > 0
                THEN list(u.unit_name ORDER BY b.position) FILTER (WHERE b.role = 'lead')
                ELSE list(u.unit_name ORDER BY b.position) FILTER (WHERE b.role = 'responsible' AND b.position = 1)
           END AS lead_units
    FROM bridge_task_unit b JOIN dim_unit u ON u.unit_key = b.unit_key
    GROUP BY b.report_key, b.task_key
),
state AS (
    SELECT a.task_key, a.report_key, a.as_of_date,
           coalesce(l.leaders, []::VARCHAR[]) AS leaders, coalesce(u.lead_units, []::VARCHAR[]) AS lead_units
    FROM appear a
    LEFT JOIN leaders l ON l.report_key = a.report_key AND l.task_key = a.task_key
    LEFT JOIN units u ON u.report_key = a.report_key AND u.task_key = a.task_key
),
within_year AS (
    SELECT task_key AS from_task_key, task_key AS to_task_key,
           lag(report_key) OVER w AS from_report_key, report_key AS to_report_key,
           lag(leaders) OVER w AS leaders_before, leaders AS leaders_after,
           lag(lead_units) OVER w AS lead_units_before, lead_units AS lead_units_after
    FROM state
    WINDOW w AS (PARTITION BY task_key ORDER BY as_of_date, report_key)
),
first_state AS (
    SELECT * FROM state QUALIFY row_number() OVER (PARTITION BY task_key ORDER BY as_of_date, report_key) = 1
),
last_state AS (
    SELECT * FROM state QUALIFY row_number() OVER (PARTITION BY task_key ORDER BY as_of_date DESC, report_key DESC) = 1
),
across_years AS (
    SELECT l.from_task_key, l.to_task_key, a.report_key AS from_report_key, b.report_key AS to_report_key,
           a.leaders AS leaders_before, b.leaders AS leaders_after,
           a.lead_units AS lead_units_before, b.lead_units AS lead_units_after
    FROM task_link l
    JOIN last_state a ON a.task_key = l.from_task_key
    JOIN first_state b ON b.task_key = l.to_task_key
    WHERE l.decision = 'accepted'
),
steps AS (
    SELECT * FROM within_year WHERE from_report_key IS NOT NULL
    UNION ALL
    SELECT * FROM across_years
),
changes AS (
    SELECT s.*,
           list_sort(list_distinct(leaders_before)) <> list_sort(list_distinct(leaders_after)) AS leader_changed,
           list_sort(list_distinct(lead_units_before)) <> list_sort(list_distinct(lead_units_after)) AS lead_unit_changed
    FROM steps s
)
SELECT c.county_name AS county, tb.thread_key,
       x.from_task_key, x.to_task_key, ta.plan_year AS from_year, tb.plan_year AS to_year,
       ra.as_of_date AS from_as_of, rb.as_of_date AS to_as_of, x.from_report_key, x.to_report_key,
       CASE WHEN leader_changed AND lead_unit_changed THEN 'leader+lead_unit'
            WHEN leader_changed THEN 'leader' ELSE 'lead_unit' END AS change,
       x.leaders_before, x.leaders_after,
       list_filter(x.leaders_before, lambda n: NOT list_contains(x.leaders_after, n)) AS predecessors,
       list_filter(x.leaders_after, lambda n: NOT list_contains(x.leaders_before, n)) AS successors,
       x.lead_units_before, x.lead_units_after, tb.task_text
FROM changes x
JOIN dim_task ta ON ta.task_key = x.from_task_key
JOIN dim_task tb ON tb.task_key = x.to_task_key
JOIN dim_county c ON c.county_key = tb.county_key
JOIN dim_report ra ON ra.report_key = x.from_report_key
JOIN dim_report rb ON rb.report_key = x.to_report_key
WHERE leader_changed OR lead_unit_changed;

COMMENT ON VIEW v_responsibility_history IS 'One row each time a task''s leaders or lead units changed: between consecutive reports on the task (plan breakdowns included) and from a task''s last report to the first report of its continuation next year (accepted links). predecessors = leaders who left, successors = leaders who came; lead units = units in a lead role, or the first 责任单位 where the report does not split lead and co-operating units.';
