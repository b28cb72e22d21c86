-- Links from a task that is no longer in the warehouse (no county links it any more).
DELETE FROM task_link
WHERE from_task_key NOT IN (SELECT t.task_key FROM dim_task t JOIN dim_county c USING (county_key));
