-- task_current_rows(reports): the rows task_current must hold for the tasks of the plan years of
-- `reports` (a list of report keys; NULL: every task), computed from the facts. The loader writes
-- them (warehouse/sql/refresh_task_current.sql); the check task_current_consistent compares them.
-- A report only carries tasks of its own county and plan year, so loading or replacing it can only
-- change the latest row of those tasks. Only current report versions count (dim_report.is_current):
-- the facts of a superseded version stay in the fact tables but no longer describe the task.
CREATE OR REPLACE MACRO task_current_rows(reports) AS TABLE
WITH scope AS (
    SELECT t.task_key FROM dim_task t
    WHERE reports IS NULL OR EXISTS (
        SELECT 1 FROM dim_report r
        WHERE r.report_key IN (SELECT unnest(reports)) AND r.county_key = t.county_key AND r.plan_year = t.plan_year
    )
),
latest_key AS (
    SELECT f.task_key,
           arg_max(f.report_key, (r.as_of_date, f.report_key)) AS report_key,
           arg_min(f.report_key, (r.as_of_date, f.report_key)) AS first_report_key,
           count(*) AS reports_seen
    FROM fct_task_progress f
    JOIN dim_report r USING (report_key)
    WHERE f.task_key IN (SELECT task_key FROM scope) AND r.is_current
    GROUP BY f.task_key
),
units AS (
    SELECT b.task_key,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'lead') AS lead_units,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'responsible') AS responsible_units,
           string_agg(u.unit_name, '、' ORDER BY b.position) FILTER (WHERE b.role = 'co') AS co_units
    FROM latest_key k
    JOIN bridge_task_unit b ON b.task_key = k.task_key AND b.report_key = k.report_key
    JOIN dim_unit u USING (unit_key)
    GROUP BY b.task_key
),
leaders AS (
    SELECT b.task_key, string_agg(l.leader_name, '、' ORDER BY b.position) AS leaders
    FROM latest_key k
    JOIN bridge_task_leader b ON b.task_key = k.task_key AND b.report_key = k.report_key
    JOIN dim_leader l USING (leader_key)
    GROUP BY b.task_key
)
SELECT k.task_key, k.report_key, k.first_report_key, k.reports_seen,
       f.status_code, f.status_evidence, f.status_confidence, f.explicit_status,
       f.progress_label, f.progress_text, f.issues_text, f.note_text, f.expected_progress, f.on_schedule,
       ld.leaders, un.lead_units, un.responsible_units, un.co_units,
       f.line_start, f.line_end,
       f.deadline_text, f.deadline_date, f.deadline_basis, f.reported_pct, f.pct_gap
FROM latest_key k
JOIN fct_task_progress f ON f.task_key = k.task_key AND f.report_key = k.report_key
LEFT JOIN units un ON un.task_key = k.task_key
LEFT JOIN leaders ld ON ld.task_key = k.task_key;
