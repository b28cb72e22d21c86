INSERT INTO fct_task_progress (report_key, task_key, status_code, status_evidence, status_confidence,
                               explicit_status, progress_label, progress_text, progress_json, issues_text,
                               note_text, expected_progress, on_schedule, line_start, line_end,
                               deadline_text, deadline_date, deadline_basis, reported_pct, pct_gap)
SELECT $report_key, s.task_key, s.status, s.status_evidence, s.status_confidence, s.status_raw,
       s.progress_label, s.progress_text, s.progress_json, s.issues, s.note, s.expected_progress,
       s.on_schedule, s.line_start, s.line_end,
       s.deadline_text, CAST(s.deadline_date AS DATE), s.deadline_basis, s.reported_pct, s.pct_gap
FROM st_tasks s;
