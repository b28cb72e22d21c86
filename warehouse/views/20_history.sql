-- Task history (docs/sections/history.md): status per report, transitions, stalls, carry-over and
-- responsibility. Progress reports only (period_type <> 'plan': a plan breakdown has no status),
-- except v_responsibility_history, which also reads the plan's leaders and units.

CREATE OR REPLACE VIEW v_status_history AS
WITH progress_reports AS (
    SELECT r.report_key, r.as_of_date, r.period_type,
           row_number() OVER (PARTITION BY r.county_key, r.plan_year ORDER BY r.as_of_date, r.report_key) AS report_no
    FROM dim_report r
    WHERE r.period_type <> 'plan' AND r.is_current
)
SELECT c.county_name AS county, t.plan_year, t.thread_key, t.task_key, t.table_no, t.seq, t.sub_seq,
       r.report_key, r.report_no, r.as_of_date, r.period_type,
       f.status_code, s.label_zh AS status_zh, s.is_final,
       f.status_evidence, f.status_confidence, f.expected_progress, f.on_schedule, f.progress_text
FROM fct_task_progress f
JOIN progress_reports r ON r.report_key = f.report_key
JOIN dim_task t ON t.task_key = f.task_key
JOIN dim_county c ON c.county_key = t.county_key
JOIN dim_status s ON s.status_code = f.status_code;

COMMENT ON VIEW v_status_history IS 'Grain: one row per task per progress report, current versions only (report × task; plan breakdowns, which have no status, are left out). The task''s status at that as-of date with its evidence. report_no numbers the progress reports of a county''s plan year (1 = earliest); thread_key follows the task across plan years. How did a task stand report by report?';
COMMENT ON COLUMN v_status_history.county IS 'County name.';
COMMENT ON COLUMN v_status_history.plan_year IS 'Plan year of the task and the report.';
COMMENT ON COLUMN v_status_history.thread_key IS 'Thread: the chain of the task''s linked versions across plan years; NULL until linked.';
COMMENT ON COLUMN v_status_history.task_key IS 'Task (dim_task.task_key); its text is in dim_task and v_task_latest (join on task_key), not repeated on every row here.';
COMMENT ON COLUMN v_status_history.table_no IS 'Number of the task table within the plan year.';
COMMENT ON COLUMN v_status_history.seq IS 'Sequence number (序号) of the task in its table, as first stated.';
COMMENT ON COLUMN v_status_history.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_status_history.report_key IS 'Progress report (dim_report.report_key).';
COMMENT ON COLUMN v_status_history.report_no IS 'Position of the report among the progress reports of the county''s plan year, by as-of date (1 = earliest); counts every progress report, not only those carrying the task.';
COMMENT ON COLUMN v_status_history.as_of_date IS 'Date the report''s progress describes.';
COMMENT ON COLUMN v_status_history.period_type IS 'Kind of progress report: monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_status_history.status_code IS 'Status in this report (dim_status.status_code): completed, in_progress, ongoing, behind, not_started or unknown.';
COMMENT ON COLUMN v_status_history.status_zh IS 'Chinese label of the status, e.g. 已完成.';
COMMENT ON COLUMN v_status_history.is_final IS 'True when the status is an end state (completed).';
COMMENT ON COLUMN v_status_history.status_evidence IS 'The phrase of the report that decided the status.';
COMMENT ON COLUMN v_status_history.status_confidence IS 'Confidence of the status: high, medium or low.';
COMMENT ON COLUMN v_status_history.expected_progress IS 'Time-elapsed progress (序时进度) at the as-of date: month m → m/12.';
COMMENT ON COLUMN v_status_history.on_schedule IS 'Whether progress is at or above 序时 (NULL when not judged).';
COMMENT ON COLUMN v_status_history.progress_text IS 'Progress text of the report for the task.';

CREATE OR REPLACE VIEW v_status_transitions AS
WITH pairs AS (
    SELECT report_key, county_key, plan_year, as_of_date,
           lag(report_key) OVER w AS prev_report_key, lag(as_of_date) OVER w AS prev_as_of_date
    FROM dim_report
    WHERE period_type <> 'plan' AND is_current
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
SELECT c.county_name AS county, p.plan_year, t.thread_key, x.task_key, t.table_no, t.seq, t.sub_seq,
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

COMMENT ON VIEW v_status_transitions IS 'Grain: one row per task per pair of consecutive progress reports (current versions) of a county''s plan year (earlier report × later report × task, for tasks in either report). The status before and after and the transition: improved or declined by progress rank (not_started < behind < in_progress = ongoing < completed), unchanged, new, dropped or unclear. Which tasks moved forward or slipped between two reports?';
COMMENT ON COLUMN v_status_transitions.county IS 'County name.';
COMMENT ON COLUMN v_status_transitions.plan_year IS 'Plan year of the two reports.';
COMMENT ON COLUMN v_status_transitions.thread_key IS 'Thread: the chain of the task''s linked versions across plan years; NULL until linked.';
COMMENT ON COLUMN v_status_transitions.task_key IS 'Task (dim_task.task_key); its text is in dim_task and v_task_latest (join on task_key), not repeated on every row here.';
COMMENT ON COLUMN v_status_transitions.table_no IS 'Number of the task table within the plan year.';
COMMENT ON COLUMN v_status_transitions.seq IS 'Sequence number (序号) of the task in its table, as first stated.';
COMMENT ON COLUMN v_status_transitions.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_status_transitions.from_report_key IS 'The earlier of the two consecutive progress reports (dim_report.report_key).';
COMMENT ON COLUMN v_status_transitions.from_as_of IS 'As-of date of the earlier report.';
COMMENT ON COLUMN v_status_transitions.to_report_key IS 'The later of the two consecutive progress reports (dim_report.report_key).';
COMMENT ON COLUMN v_status_transitions.to_as_of IS 'As-of date of the later report.';
COMMENT ON COLUMN v_status_transitions.status_before IS 'Status code in the earlier report; NULL when the task is not in it.';
COMMENT ON COLUMN v_status_transitions.status_after IS 'Status code in the later report; NULL when the task is not in it.';
COMMENT ON COLUMN v_status_transitions.transition IS 'improved (higher progress rank after), declined (lower rank after), unchanged (same status, or in_progress ↔ ongoing), new (not in the earlier report), dropped (not in the later report), unclear (one side unknown).';

CREATE OR REPLACE VIEW v_stalled_tasks AS
-- Runs are found on the key columns alone, among the reports with a status that can stall (a filter
-- on the status keeps or drops a task's whole status partition, so the runs are the same); the
-- task's texts are joined to the runs afterwards.
WITH h AS (
    SELECT task_key, status_code, report_no, as_of_date,
           report_no - row_number() OVER (PARTITION BY task_key, status_code ORDER BY report_no) AS run_id
    FROM v_status_history
    WHERE NOT is_final AND status_code NOT IN ('unknown', 'ongoing')
),
task_last AS (
    SELECT task_key, max(report_no) AS task_last_report_no FROM v_status_history GROUP BY task_key
),
runs AS (
    SELECT h.task_key, h.status_code,
           count(*) AS reports_in_a_row, min(h.as_of_date) AS since_as_of, max(h.as_of_date) AS through_as_of,
           max(h.report_no) AS run_last_report_no
    FROM h
    GROUP BY h.task_key, h.status_code, h.run_id
    HAVING count(*) >= 2
)
SELECT c.county_name AS county, t.plan_year, t.thread_key, r.task_key, t.table_no, t.seq, t.sub_seq, t.task_text,
       r.status_code, s.label_zh AS status_zh, r.reports_in_a_row, r.since_as_of, r.through_as_of,
       r.run_last_report_no = tl.task_last_report_no AS is_current
FROM runs r
JOIN task_last tl ON tl.task_key = r.task_key
JOIN dim_task t ON t.task_key = r.task_key
JOIN dim_county c ON c.county_key = t.county_key
JOIN dim_status s ON s.status_code = r.status_code;

COMMENT ON VIEW v_stalled_tasks IS 'Grain: one row per run of two or more consecutive progress reports of a plan year in which a task kept the same non-final status (task × status × run). Stalls are behind, not_started or in_progress; unknown and the standing duties ongoing never stall. Filter reports_in_a_row >= N for N reports; is_current: the run reaches the task''s latest report. Which tasks are stuck right now?';
COMMENT ON COLUMN v_stalled_tasks.county IS 'County name.';
COMMENT ON COLUMN v_stalled_tasks.plan_year IS 'Plan year of the task and the reports.';
COMMENT ON COLUMN v_stalled_tasks.thread_key IS 'Thread: the chain of the task''s linked versions across plan years; NULL until linked.';
COMMENT ON COLUMN v_stalled_tasks.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_stalled_tasks.table_no IS 'Number of the task table within the plan year.';
COMMENT ON COLUMN v_stalled_tasks.seq IS 'Sequence number (序号) of the task in its table, as first stated.';
COMMENT ON COLUMN v_stalled_tasks.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_stalled_tasks.task_text IS 'The task as stated.';
COMMENT ON COLUMN v_stalled_tasks.status_code IS 'The status that did not change: behind, not_started or in_progress.';
COMMENT ON COLUMN v_stalled_tasks.status_zh IS 'Chinese label of the status, e.g. 滞后.';
COMMENT ON COLUMN v_stalled_tasks.reports_in_a_row IS 'Number of consecutive progress reports (by report_no; a report without the task breaks the run) with this status; at least 2.';
COMMENT ON COLUMN v_stalled_tasks.since_as_of IS 'As-of date of the first report of the run.';
COMMENT ON COLUMN v_stalled_tasks.through_as_of IS 'As-of date of the last report of the run.';
COMMENT ON COLUMN v_stalled_tasks.is_current IS 'True when the run ends with the latest progress report that carries the task, i.e. the task is still stuck.';

CREATE OR REPLACE VIEW v_carried_over AS
WITH last_status AS (
    SELECT task_key, status_code, is_final, as_of_date,
           row_number() OVER (PARTITION BY task_key ORDER BY report_no DESC) AS rn
    FROM v_status_history
    WHERE task_key IN (SELECT from_task_key FROM task_link WHERE decision = 'accepted')
)
SELECT c.county_name AS county, a.thread_key,
       a.plan_year AS from_year, a.task_key AS from_task_key, a.table_no AS from_table_no, a.seq AS from_seq,
       a.sub_seq AS from_sub_seq,
       a.task_text AS from_text, ls.as_of_date AS last_as_of, ls.status_code AS last_status,
       CASE WHEN ls.status_code IS NULL OR ls.status_code IN ('unknown', 'ongoing') THEN NULL ELSE NOT ls.is_final END AS unfinished,
       ls.status_code = 'ongoing' AS standing_duty,
       b.plan_year AS to_year, b.task_key AS to_task_key, b.table_no AS to_table_no, b.seq AS to_seq, b.sub_seq AS to_sub_seq,
       b.task_text AS to_text, l.link_type, l.method, l.score
FROM task_link l
JOIN dim_task a ON a.task_key = l.from_task_key
JOIN dim_task b ON b.task_key = l.to_task_key
JOIN dim_county c ON c.county_key = a.county_key
LEFT JOIN last_status ls ON ls.task_key = a.task_key AND ls.rn = 1
WHERE l.decision = 'accepted';

COMMENT ON VIEW v_carried_over IS 'Grain: one row per accepted link (task_link) from a task of one plan year to its continuation in a later plan year. The link (continues, merge or split) with the earlier task''s last status in its own year; unfinished = that status was not final. Which unfinished tasks reappear in the next plan?';
COMMENT ON COLUMN v_carried_over.county IS 'County name.';
COMMENT ON COLUMN v_carried_over.thread_key IS 'Thread: the chain of linked task versions across plan years that the earlier task (and so the later one) belongs to.';
COMMENT ON COLUMN v_carried_over.from_year IS 'Plan year of the earlier task.';
COMMENT ON COLUMN v_carried_over.from_task_key IS 'The earlier task (dim_task.task_key).';
COMMENT ON COLUMN v_carried_over.from_table_no IS 'Table number of the earlier task within its plan year.';
COMMENT ON COLUMN v_carried_over.from_seq IS 'Sequence number (序号) of the earlier task in its table.';
COMMENT ON COLUMN v_carried_over.from_sub_seq IS 'Which target of item from_seq the earlier task is (0: the item''s own row).';
COMMENT ON COLUMN v_carried_over.from_text IS 'The earlier task as stated.';
COMMENT ON COLUMN v_carried_over.last_as_of IS 'As-of date of the earlier task''s latest progress report in its own plan year; NULL when no progress report carries it.';
COMMENT ON COLUMN v_carried_over.last_status IS 'Status code of the earlier task in that latest progress report; NULL when never reported on.';
COMMENT ON COLUMN v_carried_over.unfinished IS 'True when last_status is not final (not completed), false when completed; NULL when last_status is unknown, ongoing (a standing duty, never finished by design) or NULL.';
COMMENT ON COLUMN v_carried_over.standing_duty IS 'True when last_status is ongoing: a standing duty carried into the next plan, not an unfinished task.';
COMMENT ON COLUMN v_carried_over.to_year IS 'Plan year of the later task.';
COMMENT ON COLUMN v_carried_over.to_task_key IS 'The later task, the continuation (dim_task.task_key).';
COMMENT ON COLUMN v_carried_over.to_table_no IS 'Table number of the later task within its plan year.';
COMMENT ON COLUMN v_carried_over.to_seq IS 'Sequence number (序号) of the later task in its table.';
COMMENT ON COLUMN v_carried_over.to_sub_seq IS 'Which target of item to_seq the later task is (0: the item''s own row).';
COMMENT ON COLUMN v_carried_over.to_text IS 'The later task as stated.';
COMMENT ON COLUMN v_carried_over.link_type IS 'continues (one task to one task), merge (several earlier tasks into this later one) or split (one earlier task into several later ones).';
COMMENT ON COLUMN v_carried_over.method IS 'How the link was found: ngram (character n-gram text similarity) or crosswalk (a reviewer''s decision in schemas/crosswalk.yaml).';
COMMENT ON COLUMN v_carried_over.score IS 'Similarity of the two texts (0 … 1): the Dice coefficient of their character n-grams for a one-to-one link, the coverage of the part by the whole for a merge or split part found by n-grams.';

CREATE OR REPLACE VIEW v_responsibility_history AS
-- Built for speed (1.3 million progress rows at 10,000 reports); the steps are those of the plain
-- definition, but looked at only where they can change something (how many reports carry a task,
-- and its first and last, come from task_current, which the loader keeps):
-- * within a year, only tasks whose leaders or lead units are not the same in every report that
--   carries them (found by counting: a name in fewer reports than the task; any lead role; the
--   check bridges_in_progress guarantees no bridge row lies outside the reports that carry its task);
-- * across years, the two reports each accepted link compares;
-- * the lists of names are built and compared only for steps whose key sets differ by signature
--   (size, min, max, sum; exact up to three keys) or hold more than three keys.
WITH appearances AS (
    SELECT task_key, reports_seen AS n FROM task_current
),
-- the bridge rows lead units are read from: a lead role, or the first responsible unit
lead_unit_rows AS NOT MATERIALIZED (
    SELECT report_key, task_key, unit_key, role, position FROM bridge_task_unit
    WHERE (role = 'lead' OR (role = 'responsible' AND position = 1))
      AND report_key IN (SELECT report_key FROM dim_report WHERE is_current)
),
member_counts AS (
    SELECT task_key, count(*) AS n FROM bridge_task_leader
    WHERE report_key IN (SELECT report_key FROM dim_report WHERE is_current)
    GROUP BY task_key, leader_key
    UNION ALL
    SELECT task_key, count(*) FROM lead_unit_rows WHERE role = 'responsible' GROUP BY task_key, unit_key
),
changing AS (
    SELECT m.task_key FROM member_counts m JOIN appearances a ON a.task_key = m.task_key WHERE m.n <> a.n
    UNION
    SELECT task_key FROM lead_unit_rows WHERE role = 'lead'
),
links AS (
    SELECT from_task_key, to_task_key FROM task_link WHERE decision = 'accepted'
),
-- first and last report of every linked task (kept by the loader in task_current)
ends AS (
    SELECT task_key, first_report_key, report_key AS last_report_key
    FROM task_current
    WHERE task_key IN (SELECT from_task_key FROM links UNION ALL SELECT to_task_key FROM links)
),
appear AS (
    SELECT f.task_key, f.report_key, r.as_of_date
    FROM fct_task_progress f JOIN dim_report r ON r.report_key = f.report_key
    WHERE f.task_key IN (SELECT task_key FROM changing) AND r.is_current
),
-- the (report, task) pairs a step compares
needed AS (
    SELECT report_key, task_key FROM appear
    UNION
    SELECT e.last_report_key, e.task_key FROM ends e WHERE e.task_key IN (SELECT from_task_key FROM links)
    UNION
    SELECT e.first_report_key, e.task_key FROM ends e WHERE e.task_key IN (SELECT to_task_key FROM links)
),
-- a set of keys by (size, min, max, sum): equal sets have equal signatures, and up to three keys the
-- signature is the set; names and keys are one-to-one (dim_leader, dim_unit)
signatures AS (
    SELECT n.report_key, n.task_key,
           coalesce(l.n, 0) AS l_n, l.lo AS l_lo, l.hi AS l_hi, l.total AS l_total,
           coalesce(u.n, 0) AS u_n, u.lo AS u_lo, u.hi AS u_hi, u.total AS u_total
    FROM needed n
    LEFT JOIN (
        SELECT b.report_key, b.task_key, count(*) AS n, min(b.leader_key) AS lo, max(b.leader_key) AS hi, sum(b.leader_key) AS total
        FROM bridge_task_leader b JOIN needed n ON n.report_key = b.report_key AND n.task_key = b.task_key
        GROUP BY b.report_key, b.task_key
    ) l ON l.report_key = n.report_key AND l.task_key = n.task_key
    LEFT JOIN (
        SELECT b.report_key, b.task_key,
               CASE WHEN bool_or(b.role = 'lead') THEN count(*) FILTER (WHERE b.role = 'lead') ELSE count(*) END AS n,
               CASE WHEN bool_or(b.role = 'lead') THEN min(b.unit_key) FILTER (WHERE b.role = 'lead') ELSE min(b.unit_key) END AS lo,
               CASE WHEN bool_or(b.role = 'lead') THEN max(b.unit_key) FILTER (WHERE b.role = 'lead') ELSE max(b.unit_key) END AS hi,
               CASE WHEN bool_or(b.role = 'lead') THEN sum(b.unit_key) FILTER (WHERE b.role = 'lead') ELSE sum(b.unit_key) END AS total
        FROM lead_unit_rows b JOIN needed n ON n.report_key = b.report_key AND n.task_key = b.task_key
        GROUP BY b.report_key, b.task_key
    ) u ON u.report_key = n.report_key AND u.task_key = n.task_key
),
within_year_pairs AS (
    SELECT a.task_key AS from_task_key, a.task_key AS to_task_key,
           lag(a.report_key) OVER (PARTITION BY a.task_key ORDER BY a.as_of_date, a.report_key) AS from_report_key,
           a.report_key AS to_report_key
    FROM appear a
),
candidate_steps AS (
    SELECT p.*
    FROM (SELECT * FROM within_year_pairs WHERE from_report_key IS NOT NULL
          UNION ALL
          SELECT l.from_task_key, l.to_task_key, ea.last_report_key, eb.first_report_key
          FROM links l JOIN ends ea ON ea.task_key = l.from_task_key JOIN ends eb ON eb.task_key = l.to_task_key) p
    JOIN signatures sa ON sa.task_key = p.from_task_key AND sa.report_key = p.from_report_key
    JOIN signatures sb ON sb.task_key = p.to_task_key AND sb.report_key = p.to_report_key
    WHERE (sa.l_n, sa.l_lo, sa.l_hi, sa.l_total) IS DISTINCT FROM (sb.l_n, sb.l_lo, sb.l_hi, sb.l_total)
       OR (sa.u_n, sa.u_lo, sa.u_hi, sa.u_total) IS DISTINCT FROM (sb.u_n, sb.u_lo, sb.u_hi, sb.u_total)
       OR sa.l_n > 3 OR sa.u_n > 3
),
-- the lists, for the reports of the candidate steps only
listed AS (
    SELECT from_report_key AS report_key, from_task_key AS task_key FROM candidate_steps
    UNION
    SELECT to_report_key, to_task_key FROM candidate_steps
),
leaders AS (
    SELECT b.report_key, b.task_key, list(l.leader_name ORDER BY b.position) AS leaders
    FROM bridge_task_leader b
    JOIN listed n ON n.report_key = b.report_key AND n.task_key = b.task_key
    JOIN dim_leader l ON l.leader_key = b.leader_key
    GROUP BY b.report_key, b.task_key
),
-- lead units: those in a lead role; a report with one undivided 责任单位 column → its first unit
units AS (
    SELECT b.report_key, b.task_key,
           CASE WHEN count(*) FILTER (WHERE b.role = 'lead') > 0
                THEN list(u.unit_name ORDER BY b.position) FILTER (WHERE b.role = 'lead')
                ELSE list(u.unit_name ORDER BY b.position) FILTER (WHERE b.role = 'responsible' AND b.position = 1)
           END AS lead_units
    FROM lead_unit_rows b
    JOIN listed n ON n.report_key = b.report_key AND n.task_key = b.task_key
    JOIN dim_unit u ON u.unit_key = b.unit_key
    GROUP BY b.report_key, b.task_key
),
state AS (
    SELECT n.task_key, n.report_key,
           coalesce(l.leaders, []::VARCHAR[]) AS leaders, coalesce(u.lead_units, []::VARCHAR[]) AS lead_units
    FROM listed n
    LEFT JOIN leaders l ON l.report_key = n.report_key AND l.task_key = n.task_key
    LEFT JOIN units u ON u.report_key = n.report_key AND u.task_key = n.task_key
),
steps AS (
    SELECT c.from_task_key, c.to_task_key, c.from_report_key, c.to_report_key,
           a.leaders AS leaders_before, b.leaders AS leaders_after,
           a.lead_units AS lead_units_before, b.lead_units AS lead_units_after
    FROM candidate_steps c
    JOIN state a ON a.task_key = c.from_task_key AND a.report_key = c.from_report_key
    JOIN state b ON b.task_key = c.to_task_key AND b.report_key = c.to_report_key
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

COMMENT ON VIEW v_responsibility_history IS 'Grain: one row per step in which a task''s leaders or lead units changed (earlier report × later report × task). Steps are consecutive reports on the task (plan breakdowns included) and, across years, the task''s last report to the first report of its continuation (accepted links). Lead units are the units in a lead role, or the first 责任单位 where the report does not split lead and co-operating units. Who took over which task?';
COMMENT ON COLUMN v_responsibility_history.county IS 'County name.';
COMMENT ON COLUMN v_responsibility_history.thread_key IS 'Thread: the chain of linked task versions across plan years that the later task belongs to; NULL until linked.';
COMMENT ON COLUMN v_responsibility_history.from_task_key IS 'The task before the change (dim_task.task_key); the same as to_task_key within a plan year.';
COMMENT ON COLUMN v_responsibility_history.to_task_key IS 'The task after the change (dim_task.task_key): the same task, or its continuation in a later plan year.';
COMMENT ON COLUMN v_responsibility_history.from_year IS 'Plan year of the task before the change.';
COMMENT ON COLUMN v_responsibility_history.to_year IS 'Plan year of the task after the change.';
COMMENT ON COLUMN v_responsibility_history.from_as_of IS 'As-of date of the earlier report.';
COMMENT ON COLUMN v_responsibility_history.to_as_of IS 'As-of date of the later report.';
COMMENT ON COLUMN v_responsibility_history.from_report_key IS 'The earlier report, the last one before the change (dim_report.report_key).';
COMMENT ON COLUMN v_responsibility_history.to_report_key IS 'The later report, the first one after the change (dim_report.report_key).';
COMMENT ON COLUMN v_responsibility_history.change IS 'What changed: leader, lead_unit or leader+lead_unit (compared as sets, ignoring order).';
COMMENT ON COLUMN v_responsibility_history.leaders_before IS 'Responsible leaders in the earlier report, in report order (empty when none named).';
COMMENT ON COLUMN v_responsibility_history.leaders_after IS 'Responsible leaders in the later report, in report order (empty when none named).';
COMMENT ON COLUMN v_responsibility_history.predecessors IS 'Leaders who left: in leaders_before but not in leaders_after.';
COMMENT ON COLUMN v_responsibility_history.successors IS 'Leaders who came: in leaders_after but not in leaders_before.';
COMMENT ON COLUMN v_responsibility_history.lead_units_before IS 'Lead units in the earlier report, in report order (empty when none named).';
COMMENT ON COLUMN v_responsibility_history.lead_units_after IS 'Lead units in the later report, in report order (empty when none named).';
COMMENT ON COLUMN v_responsibility_history.task_text IS 'The task after the change as stated.';
