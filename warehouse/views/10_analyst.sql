-- Analyst views (DESIGN.md "Warehouse"): latest status, status counts, scorecards, target vs actual,
-- tasks due and overdue as of each report, quality per report. Re-created on every connect; every view and column carries a COMMENT.
-- "Latest" always means the report with the latest as-of date that carries the task (ties: the later
-- loaded report). Status history, transitions and stalled tasks are in 20_history.sql.
-- One transaction: a single commit instead of one per statement (this file runs on every connect).
BEGIN TRANSACTION;

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_task_latest_report AS
SELECT task_key, report_key, reports_seen FROM task_current;

COMMENT ON VIEW v_task_latest_report IS 'Grain: one row per task that at least one report carries. The task''s latest report (latest as-of date; ties: the later loaded report) and how many reports carry it, kept by the loader in task_current: the building block of the scorecards and v_target_actual.';
COMMENT ON COLUMN v_task_latest_report.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_latest_report.report_key IS 'The latest report that carries the task (dim_report.report_key).';
COMMENT ON COLUMN v_task_latest_report.reports_seen IS 'Number of reports that carry the task.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_task_latest AS
-- The latest row of every task is kept by the loader in task_current (warehouse/ddl/007_task_current.sql):
-- at 10,000 reports this reads 108,000 rows instead of 1.3 million progress rows and their bridges.
SELECT t.task_key, t.county_key, c.county_name, t.plan_year, t.table_no, s.table_title, s.part, s.section,
       t.seq, t.sub_seq, t.project, t.task_text, t.target_text, t.deadline, t.thread_key,
       l.report_key, r.as_of_date, r.period_type, r.file_name, r.title AS report_title, l.reports_seen,
       l.status_code,
       -- a plan row has nothing to judge by: 计划中 (planned, not yet reported), not 无法判断
       CASE WHEN l.status_confidence = 'none' THEN '计划中' ELSE st.label_zh END AS status_label_zh,
       st.sort_order AS status_order,
       l.status_evidence, l.status_confidence, l.explicit_status,
       l.progress_label, l.progress_text, l.issues_text, l.note_text, l.expected_progress, l.on_schedule,
       l.reported_pct, l.pct_gap, l.deadline_text, l.deadline_date, l.deadline_basis,
       l.leaders, l.lead_units, l.responsible_units, l.co_units,
       l.line_start, l.line_end
FROM dim_task t
JOIN dim_county c USING (county_key)
LEFT JOIN dim_section s ON s.section_key = t.section_key
LEFT JOIN task_current l ON l.task_key = t.task_key
LEFT JOIN dim_report r ON r.report_key = l.report_key
LEFT JOIN dim_status st ON st.status_code = l.status_code;

COMMENT ON VIEW v_task_latest IS 'Grain: one row per task (dim_task). The task with its status, evidence, progress, reported share and deadline from the latest report that carries it, and the leaders and units that report names. Which tasks are behind right now (ORDER BY pct_gap: furthest behind schedule first), and who answers for them?';
COMMENT ON COLUMN v_task_latest.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_latest.county_key IS 'County (dim_county.county_key).';
COMMENT ON COLUMN v_task_latest.county_name IS 'County name, e.g. 吉水县.';
COMMENT ON COLUMN v_task_latest.plan_year IS 'Plan year of the work report the task comes from.';
COMMENT ON COLUMN v_task_latest.table_no IS 'Number of the task table within the plan year (1 = first table of the report).';
COMMENT ON COLUMN v_task_latest.table_title IS 'Title of the task table, e.g. 一、10件民生实事任务分解表.';
COMMENT ON COLUMN v_task_latest.part IS 'Part heading above the task inside its table, if any.';
COMMENT ON COLUMN v_task_latest.section IS 'Section heading above the task inside its table, if any.';
COMMENT ON COLUMN v_task_latest.seq IS 'Sequence number (序号) of the task in its table.';
COMMENT ON COLUMN v_task_latest.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_task_latest.project IS 'Short project title (项目名称) beside the task text, if the table has one.';
COMMENT ON COLUMN v_task_latest.task_text IS 'The task as stated in the plan (具体工作任务和要求 …).';
COMMENT ON COLUMN v_task_latest.target_text IS 'The separate target column (全年目标任务 …), if the table has one.';
COMMENT ON COLUMN v_task_latest.deadline IS 'Deadline as written (完成时限), if the table has one.';
COMMENT ON COLUMN v_task_latest.thread_key IS 'Thread of linked tasks across plan years, when linking has assigned one.';
COMMENT ON COLUMN v_task_latest.report_key IS 'Latest report that carries the task (dim_report.report_key); NULL if no report does any more.';
COMMENT ON COLUMN v_task_latest.as_of_date IS 'As-of date of that latest report.';
COMMENT ON COLUMN v_task_latest.period_type IS 'Period type of that latest report: plan, monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_task_latest.file_name IS 'File name of that latest report.';
COMMENT ON COLUMN v_task_latest.report_title IS 'Title of that latest report.';
COMMENT ON COLUMN v_task_latest.reports_seen IS 'Number of reports that carry the task.';
COMMENT ON COLUMN v_task_latest.status_code IS 'Latest status code (dim_status): completed, in_progress, ongoing, behind, not_started, unknown.';
COMMENT ON COLUMN v_task_latest.status_label_zh IS 'Chinese label of the latest status, e.g. 已完成; 计划中 (planned, not yet reported) for an unknown status with confidence none (a plan row).';
COMMENT ON COLUMN v_task_latest.status_order IS 'Display order of the status (dim_status.sort_order).';
COMMENT ON COLUMN v_task_latest.status_evidence IS 'The phrase of the report that decided the status.';
COMMENT ON COLUMN v_task_latest.status_confidence IS 'Confidence of the status: high, medium or low.';
COMMENT ON COLUMN v_task_latest.explicit_status IS 'The report''s own status cell (进度评价, 是否达序 …) as written, if it has one.';
COMMENT ON COLUMN v_task_latest.progress_label IS 'Header of the progress column the text comes from (落实情况, 进展情况 …).';
COMMENT ON COLUMN v_task_latest.progress_text IS 'Progress text of the latest report.';
COMMENT ON COLUMN v_task_latest.issues_text IS 'Problems column (存在问题) of the latest report, if any.';
COMMENT ON COLUMN v_task_latest.note_text IS 'Remarks column (备注, 说明) of the latest report, if any.';
COMMENT ON COLUMN v_task_latest.expected_progress IS 'Time-elapsed progress (序时进度) at the latest as-of date, 0–1.';
COMMENT ON COLUMN v_task_latest.on_schedule IS 'Whether the latest report shows the task at or above 序时 progress (NULL when not judged).';
COMMENT ON COLUMN v_task_latest.reported_pct IS 'Share of the task done by the latest report''s own account, 0–1 (above 1 when exceeded): a stated completion percentage (完成年度任务的85%), else the share measured from a money or quantity target''s paired figures; NULL when it states none.';
COMMENT ON COLUMN v_task_latest.pct_gap IS 'reported_pct − expected_progress at the latest report: below 0 behind 序时 (ORDER BY pct_gap for the tasks furthest behind schedule).';
COMMENT ON COLUMN v_task_latest.deadline_text IS 'The deadline phrase the latest report gives the task (完成时限 cell, else the task text''s first deadline phrase: 年内, 6月底前 …); NULL for a standing duty or when none is stated.';
COMMENT ON COLUMN v_task_latest.deadline_date IS 'Last day that deadline allows; NULL for a standing duty or when none is stated.';
COMMENT ON COLUMN v_task_latest.deadline_basis IS 'deadline_column, task_text or standing_duty (no deadline: a standing duty); NULL when none is stated.';
COMMENT ON COLUMN v_task_latest.leaders IS 'Responsible leaders in the latest report, in report order, joined by 、.';
COMMENT ON COLUMN v_task_latest.lead_units IS 'Lead units (牵头单位) in the latest report, joined by 、.';
COMMENT ON COLUMN v_task_latest.responsible_units IS 'Responsible units (责任单位, no lead/co split) in the latest report, joined by 、.';
COMMENT ON COLUMN v_task_latest.co_units IS 'Co-operating units (配合单位) in the latest report, joined by 、.';
COMMENT ON COLUMN v_task_latest.line_start IS 'First source line of the task in the latest report.';
COMMENT ON COLUMN v_task_latest.line_end IS 'Last source line of the task in the latest report.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_status_counts AS
-- The tasks of v_task_latest (every task; no report any more → unknown) with their latest status only.
WITH latest AS MATERIALIZED (
    SELECT t.county_key, c.county_name, t.plan_year, coalesce(f.status_code, 'unknown') AS status_code
    FROM dim_task t
    JOIN dim_county c USING (county_key)
    LEFT JOIN task_current f ON f.task_key = t.task_key
),
years AS (
    SELECT DISTINCT county_key, county_name, plan_year FROM latest
),
counted AS (
    SELECT county_key, plan_year, status_code, count(*) AS tasks
    FROM latest
    GROUP BY ALL
)
SELECT y.county_key, y.county_name, y.plan_year, s.status_code, s.label_zh, s.label_en, s.sort_order,
       coalesce(c.tasks, 0) AS tasks,
       coalesce(c.tasks, 0) / sum(coalesce(c.tasks, 0)) OVER (PARTITION BY y.county_key, y.plan_year) AS share
FROM years y
CROSS JOIN dim_status s
LEFT JOIN counted c ON c.county_key = y.county_key AND c.plan_year = y.plan_year AND c.status_code = s.status_code;

COMMENT ON VIEW v_status_counts IS 'Grain: one row per county × plan year × status code (zero rows included). How many of a year''s tasks are in each latest status — the figures of the tracker''s status chart.';
COMMENT ON COLUMN v_status_counts.county_key IS 'County (dim_county.county_key).';
COMMENT ON COLUMN v_status_counts.county_name IS 'County name.';
COMMENT ON COLUMN v_status_counts.plan_year IS 'Plan year.';
COMMENT ON COLUMN v_status_counts.status_code IS 'Status code (dim_status); tasks no report carries any more count as unknown.';
COMMENT ON COLUMN v_status_counts.label_zh IS 'Chinese label of the status.';
COMMENT ON COLUMN v_status_counts.label_en IS 'English label of the status.';
COMMENT ON COLUMN v_status_counts.sort_order IS 'Display order of the status.';
COMMENT ON COLUMN v_status_counts.tasks IS 'Tasks of the county and plan year whose latest status is this one.';
COMMENT ON COLUMN v_status_counts.share IS 'Those tasks as a share of all tasks of the county and plan year, 0–1.';

-- ---------------------------------------------------------------------------------------------------
-- Numeric targets per metric, in every report; is_latest marks the metrics of each task's latest report.
-- The task's text and its status in the report are one join away (dim_task, v_status_history on
-- report_key and task_key); repeated on each of 2.25 million rows at 10,000 reports, they doubled the time to read it.
CREATE OR REPLACE VIEW v_target_actual AS
SELECT m.metric_key, m.report_key, r.as_of_date, r.period_type,
       (m.report_key = k.report_key) AS is_latest,
       m.task_key, c.county_name, t.plan_year, t.table_no, t.seq, t.sub_seq,
       m.metric, m.comparator, m.target_value, m.target_unit, m.actual_value, m.actual_unit,
       m.target_base_value, m.actual_base_value, m.base_unit, m.achievement_ratio, m.met, m.result_rank,
       CASE
           WHEN m.actual_value IS NULL AND m.actual_base_value IS NULL THEN 'no_actual'
           WHEN m.met THEN 'met'
           WHEN NOT m.met THEN 'short'
           ELSE 'not_comparable'
       END AS outcome,
       m.actual_base_value - m.target_base_value AS gap_base,
       m.target_text, m.actual_text, m.line_start, m.line_end
FROM fct_task_metric m
JOIN dim_report r USING (report_key)
JOIN dim_task t ON t.task_key = m.task_key  -- the task's row of v_task_latest, without its texts of the latest report
JOIN dim_county c ON c.county_key = t.county_key
LEFT JOIN task_current k ON k.task_key = m.task_key
WHERE r.is_current;

COMMENT ON VIEW v_target_actual IS 'Grain: one row per (target, result) pair of a task in a report, current report versions only (fct_task_metric), plus targets without a result and results without a target. The target beside the actual, its achievement and whether it was met; is_latest picks the task''s latest report; a target with several results has one row each, result_rank 1 the one its status is judged by (WHERE result_rank = 1 counts targets). Which targets fell short?';
COMMENT ON COLUMN v_target_actual.metric_key IS 'Metric row (fct_task_metric.metric_key).';
COMMENT ON COLUMN v_target_actual.report_key IS 'Report the actual comes from (dim_report.report_key).';
COMMENT ON COLUMN v_target_actual.as_of_date IS 'As-of date of that report.';
COMMENT ON COLUMN v_target_actual.period_type IS 'Period type of that report.';
COMMENT ON COLUMN v_target_actual.is_latest IS 'True when the report is the task''s latest report (use it to avoid counting a metric once per report).';
COMMENT ON COLUMN v_target_actual.task_key IS 'Task (dim_task.task_key); its text is in dim_task and v_task_latest (join on task_key), not repeated on every row here.';
COMMENT ON COLUMN v_target_actual.county_name IS 'County name.';
COMMENT ON COLUMN v_target_actual.plan_year IS 'Plan year of the task.';
COMMENT ON COLUMN v_target_actual.table_no IS 'Table number of the task.';
COMMENT ON COLUMN v_target_actual.seq IS 'Sequence number (序号) of the task.';
COMMENT ON COLUMN v_target_actual.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_target_actual.metric IS 'What is counted, e.g. 义务教育学位.';
COMMENT ON COLUMN v_target_actual.comparator IS 'How the target reads: eq, ge (以上, 不低于), le (以内, 不超过) …';
COMMENT ON COLUMN v_target_actual.target_value IS 'Target value as written in the task.';
COMMENT ON COLUMN v_target_actual.target_unit IS 'Unit of the target as written, e.g. 个, 万元, %.';
COMMENT ON COLUMN v_target_actual.actual_value IS 'Actual value reported in the progress text.';
COMMENT ON COLUMN v_target_actual.actual_unit IS 'Unit of the actual as written.';
COMMENT ON COLUMN v_target_actual.target_base_value IS 'Target converted to the base unit.';
COMMENT ON COLUMN v_target_actual.actual_base_value IS 'Actual converted to the base unit.';
COMMENT ON COLUMN v_target_actual.base_unit IS 'Base unit both values are converted to.';
COMMENT ON COLUMN v_target_actual.achievement_ratio IS 'Actual / target in the base unit (1.0 = exactly met).';
COMMENT ON COLUMN v_target_actual.met IS 'Whether the target was met given its comparator.';
COMMENT ON COLUMN v_target_actual.result_rank IS '1: the target''s best-matching result, the one its status is judged by (or a target or result alone); 2, 3 …: further results of the same target.';
COMMENT ON COLUMN v_target_actual.outcome IS 'met, short (not met), no_actual (no actual reported) or not_comparable.';
COMMENT ON COLUMN v_target_actual.gap_base IS 'Actual minus target in the base unit; negative means the target fell short by that much.';
COMMENT ON COLUMN v_target_actual.target_text IS 'Phrase of the task text the target was read from.';
COMMENT ON COLUMN v_target_actual.actual_text IS 'Phrase of the progress text the actual was read from.';
COMMENT ON COLUMN v_target_actual.line_start IS 'First source line of the task in that report.';
COMMENT ON COLUMN v_target_actual.line_end IS 'Last source line of the task in that report.';

-- ---------------------------------------------------------------------------------------------------
-- Per task of its latest report: metric counts, used by both scorecards.
CREATE OR REPLACE VIEW v_task_metric_summary AS
-- The rows of v_target_actual with is_latest, read directly: only the metrics of each task's latest
-- report are joined (the same joins, and the same outcome as v_target_actual.outcome).
WITH latest AS (
    SELECT m.task_key, m.achievement_ratio,
           CASE
               WHEN m.actual_value IS NULL AND m.actual_base_value IS NULL THEN 'no_actual'
               WHEN m.met THEN 'met'
               WHEN NOT m.met THEN 'short'
               ELSE 'not_comparable'
           END AS outcome
    FROM task_current k
    JOIN fct_task_metric m ON m.task_key = k.task_key AND m.report_key = k.report_key
                          AND m.result_rank = 1  -- a target counts once, by its best result
    JOIN dim_report r ON r.report_key = m.report_key
    JOIN dim_task t ON t.task_key = m.task_key
    JOIN dim_county c ON c.county_key = t.county_key
)
SELECT task_key,
       count(*) AS metrics,
       count(*) FILTER (WHERE outcome <> 'no_actual') AS metrics_with_actual,
       count(*) FILTER (WHERE outcome = 'met') AS metrics_met,
       count(*) FILTER (WHERE outcome = 'short') AS metrics_short,
       -- least() ignores NULL (least(NULL, 1.0) = 1.0): a metric without a ratio adds nothing
       sum(least(achievement_ratio, 1.0)) FILTER (WHERE achievement_ratio IS NOT NULL) AS achievement_sum,
       count(achievement_ratio) AS achievement_n
FROM latest
GROUP BY task_key;

COMMENT ON VIEW v_task_metric_summary IS 'Grain: one row per task with numeric metrics in its latest report. Counts of its targets met and short, and the sum of capped achievement ratios; the building block of the scorecards.';
COMMENT ON COLUMN v_task_metric_summary.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_metric_summary.metrics IS 'Numeric targets (and results without a target) of the task in its latest report; a target with several results counts once, by its best result (result_rank = 1).';
COMMENT ON COLUMN v_task_metric_summary.metrics_with_actual IS 'Of those, metrics with a reported actual.';
COMMENT ON COLUMN v_task_metric_summary.metrics_met IS 'Of those, metrics whose target was met.';
COMMENT ON COLUMN v_task_metric_summary.metrics_short IS 'Of those, metrics whose target fell short.';
COMMENT ON COLUMN v_task_metric_summary.achievement_sum IS 'Sum of achievement ratios capped at 1.0 (one overshoot cannot hide a shortfall).';
COMMENT ON COLUMN v_task_metric_summary.achievement_n IS 'Number of metrics with an achievement ratio.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_scorecard_unit AS
WITH lt AS (
    SELECT k.task_key, k.report_key, c.county_name, t.plan_year, k.status_code
    FROM task_current k
    JOIN dim_task t ON t.task_key = k.task_key
    JOIN dim_county c ON c.county_key = t.county_key
),
-- the unit rows of the latest reports first (materialized: else the grouping below is pushed under
-- the join, over all 3 million bridge rows), then one row per task and unit
unit_rows AS MATERIALIZED (
    SELECT lt.task_key, lt.county_name, lt.plan_year, lt.status_code, b.unit_key, b.role, b.position
    FROM lt
    JOIN bridge_task_unit b ON b.task_key = lt.task_key AND b.report_key = lt.report_key
),
task_units AS (
    SELECT task_key, county_name, plan_year, status_code, unit_key, bool_or(role = 'lead') AS is_lead,
           bool_or(is_main) AS is_main
    FROM (
        -- the main unit of a task: its lead unit, else the first unit named
        SELECT *, role = 'lead' OR (position = 1 AND NOT bool_or(role = 'lead') OVER (PARTITION BY task_key)
                                    AND role = 'responsible') AS is_main
        FROM unit_rows
    )
    GROUP BY task_key, county_name, plan_year, status_code, unit_key
)
SELECT tu.county_name, tu.plan_year, u.unit_key, u.unit_name, u.unit_type,
       count(*) AS tasks,
       count(*) FILTER (WHERE tu.is_lead) AS lead_tasks,
       count(*) FILTER (WHERE tu.is_main) AS main_tasks,
       count(*) FILTER (WHERE tu.status_code = 'completed') AS completed,
       count(*) FILTER (WHERE tu.status_code = 'in_progress') AS in_progress,
       count(*) FILTER (WHERE tu.status_code = 'ongoing') AS ongoing,
       count(*) FILTER (WHERE tu.status_code = 'behind') AS behind,
       count(*) FILTER (WHERE tu.status_code = 'not_started') AS not_started,
       count(*) FILTER (WHERE tu.status_code = 'unknown') AS unknown,
       round(count(*) FILTER (WHERE tu.status_code = 'completed') / count(*), 4) AS completed_share,
       CAST(coalesce(sum(ms.metrics), 0) AS BIGINT) AS metrics,
       CAST(coalesce(sum(ms.metrics_met), 0) AS BIGINT) AS metrics_met,
       CAST(coalesce(sum(ms.metrics_short), 0) AS BIGINT) AS metrics_short,
       round(sum(ms.achievement_sum) / nullif(sum(ms.achievement_n), 0), 4) AS mean_achievement
FROM task_units tu
JOIN dim_unit u USING (unit_key)
LEFT JOIN v_task_metric_summary ms USING (task_key)
WHERE u.unit_type <> 'collective'  -- 各相关乡镇政府, 县各有关单位: not a unit anyone can answer for
GROUP BY tu.county_name, tu.plan_year, u.unit_key, u.unit_name, u.unit_type;

COMMENT ON VIEW v_scorecard_unit IS 'Grain: one row per county × plan year × responsible unit. The unit''s tasks (any role, as named by each task''s latest report) by latest status, and how its numeric targets fared. Collective bodies (unit_type collective: 各相关乡镇政府, 县各有关单位) are left out: nobody in particular answers for them (their tasks are in bridge_task_unit). Which units had the most tasks behind?';
COMMENT ON COLUMN v_scorecard_unit.county_name IS 'County name.';
COMMENT ON COLUMN v_scorecard_unit.plan_year IS 'Plan year.';
COMMENT ON COLUMN v_scorecard_unit.unit_key IS 'Unit (dim_unit.unit_key).';
COMMENT ON COLUMN v_scorecard_unit.unit_name IS 'Canonical unit name, e.g. 县农业农村局.';
COMMENT ON COLUMN v_scorecard_unit.unit_type IS 'department, township, enterprise or other (collective bodies are left out).';
COMMENT ON COLUMN v_scorecard_unit.tasks IS 'Tasks the unit answers for in any role (lead, responsible, co).';
COMMENT ON COLUMN v_scorecard_unit.lead_tasks IS 'Of those, tasks where the unit is the lead unit (牵头单位).';
COMMENT ON COLUMN v_scorecard_unit.main_tasks IS 'Of those, tasks where the unit is the main responsible unit: the lead unit, or the first unit named where the task has no lead unit.';
COMMENT ON COLUMN v_scorecard_unit.completed IS 'Tasks whose latest status is completed.';
COMMENT ON COLUMN v_scorecard_unit.in_progress IS 'Tasks whose latest status is in_progress.';
COMMENT ON COLUMN v_scorecard_unit.ongoing IS 'Tasks whose latest status is ongoing (standing duties).';
COMMENT ON COLUMN v_scorecard_unit.behind IS 'Tasks whose latest status is behind.';
COMMENT ON COLUMN v_scorecard_unit.not_started IS 'Tasks whose latest status is not_started.';
COMMENT ON COLUMN v_scorecard_unit.unknown IS 'Tasks whose latest status is unknown.';
COMMENT ON COLUMN v_scorecard_unit.completed_share IS 'completed / tasks, 0–1.';
COMMENT ON COLUMN v_scorecard_unit.metrics IS 'Numeric targets of those tasks in their latest reports.';
COMMENT ON COLUMN v_scorecard_unit.metrics_met IS 'Numeric targets met.';
COMMENT ON COLUMN v_scorecard_unit.metrics_short IS 'Numeric targets that fell short.';
COMMENT ON COLUMN v_scorecard_unit.mean_achievement IS 'Mean achievement ratio of the numeric targets, each capped at 1.0; NULL without any.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_scorecard_leader AS
WITH lt AS (
    SELECT k.task_key, k.report_key, c.county_name, t.plan_year, k.status_code
    FROM task_current k
    JOIN dim_task t ON t.task_key = k.task_key
    JOIN dim_county c ON c.county_key = t.county_key
),
task_leaders AS (
    SELECT DISTINCT lt.task_key, lt.county_name, lt.plan_year, lt.status_code, b.leader_key
    FROM lt
    JOIN bridge_task_leader b ON b.task_key = lt.task_key AND b.report_key = lt.report_key
)
SELECT tl.county_name, tl.plan_year, l.leader_key, l.leader_name, l.is_role,
       count(*) AS tasks,
       count(*) FILTER (WHERE tl.status_code = 'completed') AS completed,
       count(*) FILTER (WHERE tl.status_code = 'in_progress') AS in_progress,
       count(*) FILTER (WHERE tl.status_code = 'ongoing') AS ongoing,
       count(*) FILTER (WHERE tl.status_code = 'behind') AS behind,
       count(*) FILTER (WHERE tl.status_code = 'not_started') AS not_started,
       count(*) FILTER (WHERE tl.status_code = 'unknown') AS unknown,
       round(count(*) FILTER (WHERE tl.status_code = 'completed') / count(*), 4) AS completed_share,
       CAST(coalesce(sum(ms.metrics), 0) AS BIGINT) AS metrics,
       CAST(coalesce(sum(ms.metrics_met), 0) AS BIGINT) AS metrics_met,
       CAST(coalesce(sum(ms.metrics_short), 0) AS BIGINT) AS metrics_short,
       round(sum(ms.achievement_sum) / nullif(sum(ms.achievement_n), 0), 4) AS mean_achievement
FROM task_leaders tl
JOIN dim_leader l USING (leader_key)
LEFT JOIN v_task_metric_summary ms USING (task_key)
GROUP BY tl.county_name, tl.plan_year, l.leader_key, l.leader_name, l.is_role;

COMMENT ON VIEW v_scorecard_leader IS 'Grain: one row per county × plan year × responsible leader. The leader''s tasks (as named by each task''s latest report) by latest status, and how their numeric targets fared.';
COMMENT ON COLUMN v_scorecard_leader.county_name IS 'County name.';
COMMENT ON COLUMN v_scorecard_leader.plan_year IS 'Plan year.';
COMMENT ON COLUMN v_scorecard_leader.leader_key IS 'Leader (dim_leader.leader_key).';
COMMENT ON COLUMN v_scorecard_leader.leader_name IS 'Canonical leader name (a person, or a role such as 国防科工局挂职领导).';
COMMENT ON COLUMN v_scorecard_leader.is_role IS 'True when the name is a role rather than a person.';
COMMENT ON COLUMN v_scorecard_leader.tasks IS 'Tasks the leader answers for.';
COMMENT ON COLUMN v_scorecard_leader.completed IS 'Tasks whose latest status is completed.';
COMMENT ON COLUMN v_scorecard_leader.in_progress IS 'Tasks whose latest status is in_progress.';
COMMENT ON COLUMN v_scorecard_leader.ongoing IS 'Tasks whose latest status is ongoing (standing duties).';
COMMENT ON COLUMN v_scorecard_leader.behind IS 'Tasks whose latest status is behind.';
COMMENT ON COLUMN v_scorecard_leader.not_started IS 'Tasks whose latest status is not_started.';
COMMENT ON COLUMN v_scorecard_leader.unknown IS 'Tasks whose latest status is unknown.';
COMMENT ON COLUMN v_scorecard_leader.completed_share IS 'completed / tasks, 0–1.';
COMMENT ON COLUMN v_scorecard_leader.metrics IS 'Numeric targets of those tasks in their latest reports.';
COMMENT ON COLUMN v_scorecard_leader.metrics_met IS 'Numeric targets met.';
COMMENT ON COLUMN v_scorecard_leader.metrics_short IS 'Numeric targets that fell short.';
COMMENT ON COLUMN v_scorecard_leader.mean_achievement IS 'Mean achievement ratio of the numeric targets, each capped at 1.0; NULL without any.';

-- ---------------------------------------------------------------------------------------------------
-- Due dates per progress report. A task is due on the deadline that report gives it (fct_task_progress
-- .deadline_date: the 完成时限 cell, else a phrase of the task text); a task without one is due at
-- the end of its plan year, and says so (due_basis = 'plan_year_end'). Standing duties have no due
-- date and are left out; so are plan breakdowns (nothing reported yet). Nothing here reads today's date:
-- every judgement is as of the report's own as-of date.
CREATE OR REPLACE VIEW v_task_due AS
SELECT f.report_key, r.as_of_date, r.period_type, (f.report_key = k.report_key) AS is_latest_report,
       f.task_key, c.county_name, t.plan_year, t.table_no, t.seq, t.sub_seq, t.project, t.task_text,
       t.deadline, f.deadline_text,
       coalesce(f.deadline_date, make_date(t.plan_year, 12, 31)) AS due_date,
       CASE WHEN f.deadline_date IS NOT NULL THEN 'deadline' ELSE 'plan_year_end' END AS due_basis,
       f.status_code, st.label_zh AS status_label_zh, f.status_evidence, f.status_confidence,
       f.reported_pct, f.expected_progress, f.pct_gap
FROM fct_task_progress f
JOIN dim_report r ON r.report_key = f.report_key
JOIN dim_task t ON t.task_key = f.task_key
JOIN dim_county c ON c.county_key = t.county_key
JOIN dim_status st ON st.status_code = f.status_code
LEFT JOIN task_current k ON k.task_key = f.task_key
WHERE r.period_type <> 'plan' AND r.is_current
  AND f.deadline_basis IS DISTINCT FROM 'standing_duty';

COMMENT ON VIEW v_task_due IS 'Grain: one row per task per progress report, current report versions only (report × task), standing duties and plan breakdowns left out. When the task is due by that report''s account: its own deadline (完成时限 cell or a phrase of the task text), else the end of its plan year (due_basis plan_year_end). The base of v_task_overdue and v_task_due_this_month; nothing in it depends on today''s date.';
COMMENT ON COLUMN v_task_due.report_key IS 'Progress report (dim_report.report_key).';
COMMENT ON COLUMN v_task_due.as_of_date IS 'As-of date of that report: the date every judgement of this row is made at.';
COMMENT ON COLUMN v_task_due.period_type IS 'Period type of that report: monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_task_due.is_latest_report IS 'True when the report is the task''s latest (task_current): filter on it for the tasks as they stand now.';
COMMENT ON COLUMN v_task_due.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_due.county_name IS 'County name.';
COMMENT ON COLUMN v_task_due.plan_year IS 'Plan year of the task and the report.';
COMMENT ON COLUMN v_task_due.table_no IS 'Table number of the task.';
COMMENT ON COLUMN v_task_due.seq IS 'Sequence number (序号) of the task.';
COMMENT ON COLUMN v_task_due.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_task_due.project IS 'Short project title, if any.';
COMMENT ON COLUMN v_task_due.task_text IS 'The task as stated in the plan.';
COMMENT ON COLUMN v_task_due.deadline IS 'Deadline cell as written (完成时限) when the task was first seen, if the table has one.';
COMMENT ON COLUMN v_task_due.deadline_text IS 'The deadline phrase this report gives the task (the cell, else the task text''s first deadline phrase: 年内, 6月底前 …); NULL when none is stated.';
COMMENT ON COLUMN v_task_due.due_date IS 'The day the task is due: the last day its deadline allows, or 31 December of the plan year when it has none (see due_basis).';
COMMENT ON COLUMN v_task_due.due_basis IS 'deadline (the task''s own deadline) or plan_year_end (no deadline stated: due when the plan year ends).';
COMMENT ON COLUMN v_task_due.status_code IS 'Status of the task in this report (dim_status).';
COMMENT ON COLUMN v_task_due.status_label_zh IS 'Chinese label of that status.';
COMMENT ON COLUMN v_task_due.status_evidence IS 'The phrase of this report that decided the status.';
COMMENT ON COLUMN v_task_due.status_confidence IS 'Confidence of the status: high, medium, low or none.';
COMMENT ON COLUMN v_task_due.reported_pct IS 'Share of the task done by this report''s own account, 0–1 (fct_task_progress.reported_pct).';
COMMENT ON COLUMN v_task_due.expected_progress IS 'Time-elapsed progress (序时进度) at this report''s as-of date, 0–1.';
COMMENT ON COLUMN v_task_due.pct_gap IS 'reported_pct − expected_progress: below 0 behind 序时.';

-- ---------------------------------------------------------------------------------------------------
-- Overdue as of each report: due before the report's as-of date and not completed in it. A year-end
-- report closes the plan year's account: what it does not show completed and was due within the year
-- is overdue in it even when the report is dated a little before 31 December (days_overdue 0 then).
CREATE OR REPLACE VIEW v_task_overdue AS
WITH overdue AS MATERIALIZED (
    SELECT d.*,
           CASE WHEN d.due_date < d.as_of_date THEN 'as_of_date' ELSE 'year_end_report' END AS judged_by,
           greatest(d.as_of_date - d.due_date, 0) AS days_overdue
    FROM v_task_due d
    WHERE d.status_code <> 'completed'
      AND (d.due_date < d.as_of_date OR (d.period_type = 'year_end' AND d.due_date <= make_date(d.plan_year, 12, 31)))
),
units AS (
    SELECT b.report_key, b.task_key,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'lead') AS lead_units,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'responsible') AS responsible_units,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'co') AS co_units
    FROM overdue o
    JOIN bridge_task_unit b ON b.report_key = o.report_key AND b.task_key = o.task_key
    JOIN dim_unit u ON u.unit_key = b.unit_key
    GROUP BY b.report_key, b.task_key
),
leaders AS (
    SELECT b.report_key, b.task_key, string_agg(l.leader_name, '、' ORDER BY b.position) AS leaders
    FROM overdue o
    JOIN bridge_task_leader b ON b.report_key = o.report_key AND b.task_key = o.task_key
    JOIN dim_leader l ON l.leader_key = b.leader_key
    GROUP BY b.report_key, b.task_key
)
SELECT o.report_key, o.as_of_date, o.period_type, o.is_latest_report,
       o.task_key, o.county_name, o.plan_year, o.table_no, o.seq, o.sub_seq, o.project, o.task_text,
       o.deadline, o.deadline_text, o.due_date, o.due_basis, o.judged_by, o.days_overdue,
       o.status_code, o.status_label_zh, o.status_evidence, o.status_confidence,
       o.reported_pct, o.expected_progress, o.pct_gap,
       ld.leaders, un.lead_units, un.responsible_units, un.co_units
FROM overdue o
LEFT JOIN units un ON un.report_key = o.report_key AND un.task_key = o.task_key
LEFT JOIN leaders ld ON ld.report_key = o.report_key AND ld.task_key = o.task_key;

COMMENT ON VIEW v_task_overdue IS 'Grain: one row per task overdue in a progress report (report × task): due before the report''s as-of date (or, in a year-end report, due within the plan year) and not completed in that report; standing duties never. Judged as of each report''s as-of date, never today''s: the same warehouse gives the same rows on any day. is_latest_report picks the tasks overdue as they stand now. Which promises ran out of time, and by how much at each report?';
COMMENT ON COLUMN v_task_overdue.report_key IS 'Progress report the task is overdue in (dim_report.report_key).';
COMMENT ON COLUMN v_task_overdue.as_of_date IS 'As-of date of that report.';
COMMENT ON COLUMN v_task_overdue.period_type IS 'Period type of that report: monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_task_overdue.is_latest_report IS 'True when the report is the task''s latest: the task is overdue as it stands now.';
COMMENT ON COLUMN v_task_overdue.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_overdue.county_name IS 'County name.';
COMMENT ON COLUMN v_task_overdue.plan_year IS 'Plan year of the task.';
COMMENT ON COLUMN v_task_overdue.table_no IS 'Table number of the task.';
COMMENT ON COLUMN v_task_overdue.seq IS 'Sequence number (序号) of the task.';
COMMENT ON COLUMN v_task_overdue.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_task_overdue.project IS 'Short project title, if any.';
COMMENT ON COLUMN v_task_overdue.task_text IS 'The task as stated in the plan.';
COMMENT ON COLUMN v_task_overdue.deadline IS 'Deadline cell as written (完成时限) when the task was first seen, if the table has one.';
COMMENT ON COLUMN v_task_overdue.deadline_text IS 'The deadline phrase this report gives the task; NULL when none is stated (due_basis plan_year_end).';
COMMENT ON COLUMN v_task_overdue.due_date IS 'The day the task was due: the last day its deadline allows, or 31 December of the plan year (due_basis plan_year_end).';
COMMENT ON COLUMN v_task_overdue.due_basis IS 'deadline (the task''s own deadline) or plan_year_end (no deadline stated: due when the plan year ends).';
COMMENT ON COLUMN v_task_overdue.judged_by IS 'as_of_date (the due date is before the report''s as-of date) or year_end_report (a year-end report dated before the due date closes the year''s account without the task done).';
COMMENT ON COLUMN v_task_overdue.days_overdue IS 'Days from the due date to the report''s as-of date (never to today); 0 when judged by a year-end report dated before the due date.';
COMMENT ON COLUMN v_task_overdue.status_code IS 'Status in that report (never completed here; unknown when not judged).';
COMMENT ON COLUMN v_task_overdue.status_label_zh IS 'Chinese label of that status.';
COMMENT ON COLUMN v_task_overdue.status_evidence IS 'The phrase of that report that decided the status.';
COMMENT ON COLUMN v_task_overdue.status_confidence IS 'Confidence of the status: high, medium, low or none.';
COMMENT ON COLUMN v_task_overdue.reported_pct IS 'Share of the task done by that report''s own account, 0–1; NULL when it states none.';
COMMENT ON COLUMN v_task_overdue.expected_progress IS 'Time-elapsed progress (序时进度) at that report''s as-of date, 0–1.';
COMMENT ON COLUMN v_task_overdue.pct_gap IS 'reported_pct − expected_progress: below 0 behind 序时.';
COMMENT ON COLUMN v_task_overdue.leaders IS 'Responsible leaders named by that report, joined by 、.';
COMMENT ON COLUMN v_task_overdue.lead_units IS 'Lead units named by that report, joined by 、.';
COMMENT ON COLUMN v_task_overdue.responsible_units IS 'Responsible units (no lead/co split) named by that report, joined by 、.';
COMMENT ON COLUMN v_task_overdue.co_units IS 'Co-operating units named by that report, joined by 、.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_task_due_this_month AS
SELECT d.report_key, d.as_of_date, d.period_type, d.is_latest_report,
       d.task_key, d.county_name, d.plan_year, d.table_no, d.seq, d.sub_seq, d.project, d.task_text,
       d.deadline, d.deadline_text, d.due_date, d.due_basis, d.due_date - d.as_of_date AS days_left,
       d.status_code, d.status_label_zh, d.status_evidence, d.status_confidence,
       d.reported_pct, d.expected_progress, d.pct_gap
FROM v_task_due d
WHERE d.status_code <> 'completed'
  AND year(d.due_date) = year(d.as_of_date) AND month(d.due_date) = month(d.as_of_date);

COMMENT ON VIEW v_task_due_this_month IS 'Grain: one row per task due in the month of a progress report''s as-of date and not completed in that report (report × task); standing duties never. In a December report the tasks without a deadline of their own are due too (due_basis plan_year_end; filter due_basis = ''deadline'' for stated deadlines only). What must be finished this month?';
COMMENT ON COLUMN v_task_due_this_month.report_key IS 'Progress report (dim_report.report_key).';
COMMENT ON COLUMN v_task_due_this_month.as_of_date IS 'As-of date of that report: its month is "this month".';
COMMENT ON COLUMN v_task_due_this_month.period_type IS 'Period type of that report: monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_task_due_this_month.is_latest_report IS 'True when the report is the task''s latest.';
COMMENT ON COLUMN v_task_due_this_month.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN v_task_due_this_month.county_name IS 'County name.';
COMMENT ON COLUMN v_task_due_this_month.plan_year IS 'Plan year of the task.';
COMMENT ON COLUMN v_task_due_this_month.table_no IS 'Table number of the task.';
COMMENT ON COLUMN v_task_due_this_month.seq IS 'Sequence number (序号) of the task.';
COMMENT ON COLUMN v_task_due_this_month.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for further rows listed under the same 序号.';
COMMENT ON COLUMN v_task_due_this_month.project IS 'Short project title, if any.';
COMMENT ON COLUMN v_task_due_this_month.task_text IS 'The task as stated in the plan.';
COMMENT ON COLUMN v_task_due_this_month.deadline IS 'Deadline cell as written (完成时限) when the task was first seen, if the table has one.';
COMMENT ON COLUMN v_task_due_this_month.deadline_text IS 'The deadline phrase this report gives the task; NULL when none is stated (due_basis plan_year_end).';
COMMENT ON COLUMN v_task_due_this_month.due_date IS 'The day the task is due, in the month of the as-of date.';
COMMENT ON COLUMN v_task_due_this_month.due_basis IS 'deadline (the task''s own deadline) or plan_year_end (no deadline stated: due when the plan year ends).';
COMMENT ON COLUMN v_task_due_this_month.days_left IS 'Days from the report''s as-of date to the due date (negative: already past at the as-of date).';
COMMENT ON COLUMN v_task_due_this_month.status_code IS 'Status in that report (never completed here).';
COMMENT ON COLUMN v_task_due_this_month.status_label_zh IS 'Chinese label of that status.';
COMMENT ON COLUMN v_task_due_this_month.status_evidence IS 'The phrase of that report that decided the status.';
COMMENT ON COLUMN v_task_due_this_month.status_confidence IS 'Confidence of the status: high, medium, low or none.';
COMMENT ON COLUMN v_task_due_this_month.reported_pct IS 'Share of the task done by that report''s own account, 0–1; NULL when it states none.';
COMMENT ON COLUMN v_task_due_this_month.expected_progress IS 'Time-elapsed progress (序时进度) at that report''s as-of date, 0–1.';
COMMENT ON COLUMN v_task_due_this_month.pct_gap IS 'reported_pct − expected_progress: below 0 behind 序时.';

-- ---------------------------------------------------------------------------------------------------
CREATE OR REPLACE VIEW v_report_quality AS
WITH findings AS (
    SELECT report_key,
           count(*) AS findings,
           count(*) FILTER (WHERE severity = 'error') AS errors,
           count(*) FILTER (WHERE severity = 'warning') AS warnings,
           count(*) FILTER (WHERE severity = 'info') AS infos,
           count(*) FILTER (WHERE stage = 'repair') AS repairs,
           count(DISTINCT rule) AS rules,
           count(DISTINCT (table_no, seq)) FILTER (WHERE seq IS NOT NULL) AS tasks_with_findings
    FROM dq_issue
    WHERE report_key IS NOT NULL
    GROUP BY report_key
),
rule_counts AS (
    SELECT report_key, rule, count(*) AS n FROM dq_issue WHERE report_key IS NOT NULL GROUP BY ALL
),
top_rules AS (
    SELECT report_key, string_agg(rule || ' ×' || n, ', ' ORDER BY n DESC, rule) AS top_rules
    FROM (SELECT *, row_number() OVER (PARTITION BY report_key ORDER BY n DESC, rule) AS rn FROM rule_counts)
    WHERE rn <= 5
    GROUP BY report_key
),
statuses AS (
    SELECT report_key, count(*) AS tasks,
           count(*) FILTER (WHERE status_code = 'unknown') AS unknown_status,
           count(*) FILTER (WHERE status_confidence = 'low') AS low_confidence
    FROM fct_task_progress
    GROUP BY report_key
),
metrics AS (
    SELECT report_key, count(*) AS metrics FROM fct_task_metric WHERE result_rank = 1 GROUP BY report_key
)
SELECT r.report_key, c.county_name, r.plan_year, r.as_of_date, r.period_type, r.file_name, r.format,
       r.metadata_source, coalesce(r.metadata_source LIKE '%inferred%', false) AS metadata_inferred,
       coalesce(s.tasks, 0) AS tasks,
       coalesce(f.findings, 0) AS findings,
       coalesce(f.errors, 0) AS errors,
       coalesce(f.warnings, 0) AS warnings,
       coalesce(f.infos, 0) AS infos,
       coalesce(f.repairs, 0) AS repairs,
       coalesce(f.rules, 0) AS rules,
       coalesce(f.tasks_with_findings, 0) AS tasks_with_findings,
       coalesce(s.unknown_status, 0) AS unknown_status,
       round(coalesce(s.unknown_status, 0) / nullif(s.tasks, 0), 4) AS unknown_status_share,
       coalesce(s.low_confidence, 0) AS low_confidence,
       coalesce(m.metrics, 0) AS metrics,
       t.top_rules,
       r.ingested_at
FROM dim_report r
JOIN dim_county c USING (county_key)
LEFT JOIN findings f USING (report_key)
LEFT JOIN statuses s USING (report_key)
LEFT JOIN metrics m USING (report_key)
LEFT JOIN top_rules t USING (report_key)
WHERE r.is_current;

COMMENT ON VIEW v_report_quality IS 'Grain: one row per report, its current version (dim_report.is_current; the findings of earlier versions stay in dq_issue under their own report_key). How clean the report was: data-quality findings by severity, repairs, tasks touched, statuses that could not be judged, and its most frequent rules. Which reports need a reviewer first?';
COMMENT ON COLUMN v_report_quality.report_key IS 'Report (dim_report.report_key).';
COMMENT ON COLUMN v_report_quality.county_name IS 'County name.';
COMMENT ON COLUMN v_report_quality.plan_year IS 'Plan year of the report.';
COMMENT ON COLUMN v_report_quality.as_of_date IS 'As-of date of the report.';
COMMENT ON COLUMN v_report_quality.period_type IS 'Period type: plan, monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN v_report_quality.file_name IS 'File name the report was ingested from.';
COMMENT ON COLUMN v_report_quality.format IS 'Source format (text, html, docx, xlsx, csv).';
COMMENT ON COLUMN v_report_quality.metadata_source IS 'Where county, year and as-of date came from: manifest, override, inferred (or +inferred).';
COMMENT ON COLUMN v_report_quality.metadata_inferred IS 'True when some metadata was guessed from the text (check it).';
COMMENT ON COLUMN v_report_quality.tasks IS 'Tasks loaded from the report.';
COMMENT ON COLUMN v_report_quality.findings IS 'Data-quality findings of the report (dq_issue).';
COMMENT ON COLUMN v_report_quality.errors IS 'Findings of severity error.';
COMMENT ON COLUMN v_report_quality.warnings IS 'Findings of severity warning.';
COMMENT ON COLUMN v_report_quality.infos IS 'Findings of severity info.';
COMMENT ON COLUMN v_report_quality.repairs IS 'Findings of stage repair (text changed to read the table: rejoined rows, canonical names …).';
COMMENT ON COLUMN v_report_quality.rules IS 'Distinct rules that fired.';
COMMENT ON COLUMN v_report_quality.tasks_with_findings IS 'Distinct tasks (table, 序号) with at least one finding.';
COMMENT ON COLUMN v_report_quality.unknown_status IS 'Tasks whose status could not be judged (unknown).';
COMMENT ON COLUMN v_report_quality.unknown_status_share IS 'unknown_status / tasks, 0–1.';
COMMENT ON COLUMN v_report_quality.low_confidence IS 'Tasks whose status has low confidence.';
COMMENT ON COLUMN v_report_quality.metrics IS 'Numeric metrics read from the report: targets and results without a target, a target with several results once (result_rank = 1).';
COMMENT ON COLUMN v_report_quality.top_rules IS 'The five most frequent rules with their counts, e.g. repair.leader_spacing ×32.';
COMMENT ON COLUMN v_report_quality.ingested_at IS 'When the report was loaded.';

COMMIT;
