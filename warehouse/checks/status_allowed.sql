-- severity: error
-- Status codes and confidences are from the agreed lists (schemas/vocabulary.yaml, bound as $status_codes, $confidences).
SELECT report_key, task_key, status_code, status_confidence FROM fct_task_progress
WHERE status_code NOT IN (SELECT unnest($status_codes))
   OR status_confidence NOT IN (SELECT unnest($confidences));
