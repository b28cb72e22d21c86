-- Status codes (DESIGN.md "Status"); re-running keeps existing rows.
INSERT INTO dim_status (status_code, label_zh, label_en, sort_order, is_final) VALUES
    ('completed',   '已完成',   'completed',   1, true),
    ('in_progress', '推进中',   'in progress', 2, false),
    ('ongoing',     '持续推进', 'ongoing',     3, false),
    ('behind',      '滞后',     'behind',      4, false),
    ('not_started', '未启动',   'not started', 5, false),
    ('unknown',     '无法判断', 'unknown',     6, false)
ON CONFLICT DO NOTHING;
