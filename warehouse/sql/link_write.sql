-- Bring task_link in line with the staged links (st_links) of the staged tasks (st_threads: every
-- task of the counties linked): new pairs inserted, changed pairs updated, pairs from those tasks no
-- longer proposed deleted. Unchanged rows are not touched, so re-running the link step changes nothing.
DELETE FROM task_link
WHERE from_task_key IN (SELECT task_key FROM st_threads)
  AND NOT EXISTS (SELECT 1 FROM st_links s WHERE s.from_task_key = task_link.from_task_key AND s.to_task_key = task_link.to_task_key);

UPDATE task_link SET link_type = s.link_type, method = s.method, score = s.score,
       decided_at = CASE WHEN task_link.decision <> s.decision THEN $now ELSE task_link.decided_at END,
       decision = s.decision
FROM st_links s
WHERE s.from_task_key = task_link.from_task_key AND s.to_task_key = task_link.to_task_key
  AND (task_link.link_type <> s.link_type OR task_link.method <> s.method
       OR task_link.score IS DISTINCT FROM s.score OR task_link.decision <> s.decision);

INSERT INTO task_link (from_task_key, to_task_key, link_type, method, score, decision, decided_at)
SELECT s.from_task_key, s.to_task_key, s.link_type, s.method, s.score, s.decision,
       CASE WHEN s.decision = 'pending' THEN NULL ELSE $now END
FROM st_links s
WHERE NOT EXISTS (SELECT 1 FROM task_link t WHERE t.from_task_key = s.from_task_key AND t.to_task_key = s.to_task_key)
ORDER BY s.from_task_key, s.to_task_key;

UPDATE dim_task SET thread_key = s.thread_key
FROM st_threads s
WHERE dim_task.task_key = s.task_key AND dim_task.thread_key IS DISTINCT FROM s.thread_key;
