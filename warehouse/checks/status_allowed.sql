-- severity: error
-- Status codes and confidences are from the agreed lists.
SELECT report_key, task_key, status_code, status_confidence FROM fct_task_progress
WHERE status_code NOT IN ('completed', 'in_progress', 'behind', 'not_started', 'ongoing', 'unknown')
   OR status_confidence NOT IN ('high', 'medium', 'low', 'none');
