-- dim_status from schemas/vocabulary.yaml (one row per code; re-running keeps existing rows).
INSERT INTO dim_status (status_code, label_zh, label_en, sort_order, is_final) VALUES (?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
