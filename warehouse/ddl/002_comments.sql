-- Data dictionary: a COMMENT on every table and column of 001_tables.sql (docs/warehouse.md is generated
-- from these by `luoshi docs`). Table comments start with "Grain: …." — the generator reads the grain there.
-- One transaction: a single commit instead of one per statement (this file runs on every connect).
BEGIN TRANSACTION;

COMMENT ON TABLE dim_county IS 'Grain: one row per county. A county (or district) whose government publishes work-report task tables.';
COMMENT ON COLUMN dim_county.county_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_county.county_name IS 'County name as the reports write it, e.g. 吉水县.';
COMMENT ON COLUMN dim_county.province IS 'Province, e.g. 江西省.';
COMMENT ON COLUMN dim_county.prefecture IS 'Prefecture-level city, e.g. 吉安市.';

COMMENT ON TABLE dim_report IS 'Grain: one row per ingested version of a report (county × plan year × as-of date × period type × version). Where and when a report came from and how it was read. A changed file for a known report adds a version; is_current marks the one the views and task_current read.';
COMMENT ON COLUMN dim_report.report_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_report.county_key IS 'County (dim_county.county_key).';
COMMENT ON COLUMN dim_report.plan_year IS 'Plan year of the work report the tasks come from.';
COMMENT ON COLUMN dim_report.as_of_date IS 'Date the progress describes (e.g. 截止2020年11月底 → 2020-11-30).';
COMMENT ON COLUMN dim_report.period_type IS 'plan (targets only), monthly, quarterly, half_year or year_end.';
COMMENT ON COLUMN dim_report.title IS 'Report title, from the page or the manifest.';
COMMENT ON COLUMN dim_report.source_uri IS 'Where the report was published (URL), if known.';
COMMENT ON COLUMN dim_report.file_name IS 'File name the report was ingested from.';
COMMENT ON COLUMN dim_report.sha256 IS 'SHA-256 of the raw file; the same bytes are never loaded twice (a file with several dated progress columns gives several reports with the same sha256).';
COMMENT ON COLUMN dim_report.raw_path IS 'Path of the archived raw file (kept unmodified, by sha256).';
COMMENT ON COLUMN dim_report.format IS 'Source format the reader detected: text, html, docx, xlsx or csv.';
COMMENT ON COLUMN dim_report.parser_version IS 'Version of the parser that read the report.';
COMMENT ON COLUMN dim_report.metadata_source IS 'Where county, year and as-of date came from: manifest, override, inferred (or +inferred when partly guessed).';
COMMENT ON COLUMN dim_report.task_count IS 'Number of tasks loaded from the report.';
COMMENT ON COLUMN dim_report.ingested_at IS 'When this version of the report was loaded.';

COMMENT ON TABLE dim_section IS 'Grain: one row per county × plan year × table × part × section heading. The headings tasks are grouped under.';
COMMENT ON COLUMN dim_section.section_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_section.county_key IS 'County (dim_county.county_key).';
COMMENT ON COLUMN dim_section.plan_year IS 'Plan year.';
COMMENT ON COLUMN dim_section.table_no IS 'Number of the task table within the plan year (1 = first).';
COMMENT ON COLUMN dim_section.table_title IS 'Title of the task table, e.g. 二、其他重要事项任务分解表.';
COMMENT ON COLUMN dim_section.part IS 'Part heading inside the table, if any.';
COMMENT ON COLUMN dim_section.section IS 'Section heading inside the table (e.g. （一）…), if any.';

COMMENT ON TABLE dim_task IS 'Grain: one row per task as stated in one plan year (county × plan year × table × 序号 as first seen; a report that renumbers it is matched to it by text and noted in dq_issue as link.*). The promise itself; its progress per report is in fct_task_progress.';
COMMENT ON COLUMN dim_task.task_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_task.county_key IS 'County (dim_county.county_key).';
COMMENT ON COLUMN dim_task.plan_year IS 'Plan year of the work report.';
COMMENT ON COLUMN dim_task.table_no IS 'Number of the task table within the plan year.';
COMMENT ON COLUMN dim_task.seq IS 'Sequence number (序号) of the task in its table.';
COMMENT ON COLUMN dim_task.sub_seq IS 'Which target of item seq the task is: 0 for the item''s own row, 1, 2, … for the further rows the table lists under the same 序号 (a row without 序号 of its own, with its own target text and progress). Findings name such a task as seq.sub_seq, e.g. 2.1.';
COMMENT ON COLUMN dim_task.section_key IS 'Heading the task sits under (dim_section.section_key).';
COMMENT ON COLUMN dim_task.project IS 'Short project title (项目名称) beside the task text, if the table has one.';
COMMENT ON COLUMN dim_task.task_text IS 'The task as stated (具体工作任务和要求, 目标与任务 …).';
COMMENT ON COLUMN dim_task.target_text IS 'The separate target column (全年目标任务 …), if the table has one.';
COMMENT ON COLUMN dim_task.deadline IS 'Deadline as written (完成时限), if the table has one.';
COMMENT ON COLUMN dim_task.thread_key IS 'Thread: the chain of this task''s linked versions across plan years (NULL until linked).';
COMMENT ON COLUMN dim_task.first_report_key IS 'Report the task was first loaded from (dim_report.report_key).';

COMMENT ON TABLE dim_leader IS 'Grain: one row per responsible leader (canonical name). A person, or a role written in the leader column.';
COMMENT ON COLUMN dim_leader.leader_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_leader.leader_name IS 'Canonical name (aliases and spacing repaired via schemas/mappings/leaders.yaml).';
COMMENT ON COLUMN dim_leader.is_role IS 'True when the name is a role (e.g. 国防科工局挂职领导) rather than a person.';

COMMENT ON TABLE dim_unit IS 'Grain: one row per responsible unit (canonical name). A department, township, collective or enterprise that answers for tasks.';
COMMENT ON COLUMN dim_unit.unit_key IS 'Surrogate key.';
COMMENT ON COLUMN dim_unit.unit_name IS 'Canonical unit name (aliases via schemas/mappings/units.yaml), e.g. 县农业农村局.';
COMMENT ON COLUMN dim_unit.unit_type IS 'department, township, collective (e.g. 各乡镇政府), enterprise or other.';

COMMENT ON TABLE dim_status IS 'Grain: one row per status code. The agreed statuses with their Chinese and English labels and display order.';
COMMENT ON COLUMN dim_status.status_code IS 'Status code: completed, in_progress, ongoing, behind, not_started, unknown.';
COMMENT ON COLUMN dim_status.label_zh IS 'Chinese label, e.g. 已完成.';
COMMENT ON COLUMN dim_status.label_en IS 'English label.';
COMMENT ON COLUMN dim_status.sort_order IS 'Display order (1 = completed).';
COMMENT ON COLUMN dim_status.is_final IS 'True for an end state (completed).';

COMMENT ON TABLE fct_task_progress IS 'Grain: one row per task in one report (report × task). Status with its evidence and confidence, the progress text, and 序时 expected progress.';
COMMENT ON COLUMN fct_task_progress.report_key IS 'Report (dim_report.report_key).';
COMMENT ON COLUMN fct_task_progress.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN fct_task_progress.status_code IS 'Status (dim_status.status_code).';
COMMENT ON COLUMN fct_task_progress.status_evidence IS 'The phrase of the report that decided the status.';
COMMENT ON COLUMN fct_task_progress.status_confidence IS 'high, medium or low; none when there is nothing to judge by (a plan without progress).';
COMMENT ON COLUMN fct_task_progress.explicit_status IS 'The report''s own status cell (进度评价, 是否达序, 完成成效) as written, if any.';
COMMENT ON COLUMN fct_task_progress.progress_label IS 'Header of the (last) progress column, e.g. 落实情况.';
COMMENT ON COLUMN fct_task_progress.progress_text IS 'Progress text; several dated progress columns are joined as "label: text" lines.';
COMMENT ON COLUMN fct_task_progress.progress_json IS 'Every progress column as JSON [{label, text}].';
COMMENT ON COLUMN fct_task_progress.issues_text IS 'Problems column (存在问题), if any.';
COMMENT ON COLUMN fct_task_progress.note_text IS 'Remarks column (备注, 说明), if any.';
COMMENT ON COLUMN fct_task_progress.expected_progress IS 'Time-elapsed progress (序时进度) at the as-of date: month m → m/12.';
COMMENT ON COLUMN fct_task_progress.on_schedule IS 'Whether progress is at or above 序时 (NULL when not judged).';
COMMENT ON COLUMN fct_task_progress.line_start IS 'First source line of the task row in the report.';
COMMENT ON COLUMN fct_task_progress.line_end IS 'Last source line of the task row in the report.';
COMMENT ON COLUMN fct_task_progress.deadline_text IS 'The deadline phrase as written: the 完成时限 cell, else the first deadline phrase of the task text (年内, 6月底前, 三季度, 2021年12月 …); NULL for a standing duty or when none is stated. Kept per report: a report may restate the deadline, and whether a task is a standing duty is that report''s judgement.';
COMMENT ON COLUMN fct_task_progress.deadline_date IS 'Last day the deadline allows (年内 → 31 December of the plan year, 三季度 → 30 September, 6月底前 → 30 June); NULL for a standing duty or when no deadline is stated (never filled in with the year''s end).';
COMMENT ON COLUMN fct_task_progress.deadline_basis IS 'Where the deadline comes from: deadline_column (完成时限 cell), task_text (a phrase of the task text) or standing_duty (a standing duty, or a 长期 / 持续推进 cell: no deadline); NULL when none is stated.';
COMMENT ON COLUMN fct_task_progress.reported_pct IS 'Share of the task done by the report''s own account, 0–1 (above 1 when exceeded): a stated completion percentage (完成年度任务的85%, 完成投资72%), else the share measured from the paired figures of a money or quantity target (累计完成投资3000万元 of 6000万元 → 0.5; several targets: the least advanced); NULL when the report states none.';
COMMENT ON COLUMN fct_task_progress.pct_gap IS 'reported_pct − expected_progress: below 0 the task is behind 序时 by that share of the year''s work, above 0 ahead; NULL without either.';

COMMENT ON TABLE fct_task_metric IS 'Grain: one row per (target, result) pair of one task in one report, plus one row per target without a result and per result without a target. Target (value, unit, comparator) beside the actual, both in a base unit, with the achievement ratio. A target with several results (完成4个, 另有6个在建) has one row per result, ranked by result_rank; count result_rank = 1 to count targets.';
COMMENT ON COLUMN fct_task_metric.metric_key IS 'Surrogate key.';
COMMENT ON COLUMN fct_task_metric.report_key IS 'Report (dim_report.report_key).';
COMMENT ON COLUMN fct_task_metric.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN fct_task_metric.metric IS 'What is counted, e.g. 义务教育学位.';
COMMENT ON COLUMN fct_task_metric.comparator IS 'How the target reads: eq, ge (以上, 不低于), le (以内, 不超过) …';
COMMENT ON COLUMN fct_task_metric.target_value IS 'Target value as written.';
COMMENT ON COLUMN fct_task_metric.target_unit IS 'Unit of the target as written, e.g. 个, 万元, %.';
COMMENT ON COLUMN fct_task_metric.target_text IS 'Phrase of the task text the target was read from.';
COMMENT ON COLUMN fct_task_metric.target_base_value IS 'Target converted to the base unit.';
COMMENT ON COLUMN fct_task_metric.actual_value IS 'Actual value as reported.';
COMMENT ON COLUMN fct_task_metric.actual_unit IS 'Unit of the actual as written.';
COMMENT ON COLUMN fct_task_metric.actual_text IS 'Phrase of the progress text the actual was read from.';
COMMENT ON COLUMN fct_task_metric.actual_base_value IS 'Actual converted to the base unit.';
COMMENT ON COLUMN fct_task_metric.base_unit IS 'Base unit of the converted values.';
COMMENT ON COLUMN fct_task_metric.achievement_ratio IS 'Actual / target in the base unit (1.0 = exactly met).';
COMMENT ON COLUMN fct_task_metric.met IS 'Whether the target was met given its comparator.';
COMMENT ON COLUMN fct_task_metric.line_start IS 'First source line of the task row in the report.';
COMMENT ON COLUMN fct_task_metric.line_end IS 'Last source line of the task row in the report.';
COMMENT ON COLUMN fct_task_metric.result_rank IS '1: the target''s best-matching result, the one its status is judged by (or a target or result alone); 2, 3 …: further results of the same target.';

COMMENT ON TABLE bridge_task_unit IS 'Grain: one row per report × task × unit × role. Which units answer for a task according to one report.';
COMMENT ON COLUMN bridge_task_unit.report_key IS 'Report (dim_report.report_key).';
COMMENT ON COLUMN bridge_task_unit.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN bridge_task_unit.unit_key IS 'Unit (dim_unit.unit_key).';
COMMENT ON COLUMN bridge_task_unit.role IS 'lead (牵头单位), co (配合单位) or responsible (责任单位 without a lead/co split).';
COMMENT ON COLUMN bridge_task_unit.position IS 'Position of the unit in its cell (1 = first named).';
COMMENT ON COLUMN bridge_task_unit.line_start IS 'First source line of the task row.';
COMMENT ON COLUMN bridge_task_unit.line_end IS 'Last source line of the task row.';

COMMENT ON TABLE bridge_task_leader IS 'Grain: one row per report × task × leader. Which leaders answer for a task according to one report.';
COMMENT ON COLUMN bridge_task_leader.report_key IS 'Report (dim_report.report_key).';
COMMENT ON COLUMN bridge_task_leader.task_key IS 'Task (dim_task.task_key).';
COMMENT ON COLUMN bridge_task_leader.leader_key IS 'Leader (dim_leader.leader_key).';
COMMENT ON COLUMN bridge_task_leader.role IS 'Role of the leader for the task (e.g. responsible).';
COMMENT ON COLUMN bridge_task_leader.position IS 'Position of the leader in the cell (1 = first named).';
COMMENT ON COLUMN bridge_task_leader.line_start IS 'First source line of the task row.';
COMMENT ON COLUMN bridge_task_leader.line_end IS 'Last source line of the task row.';

COMMENT ON TABLE task_link IS 'Grain: one row per proposed or accepted identity link between two tasks. Links the same task across reports or plan years (method, score, reviewer decision).';
COMMENT ON COLUMN task_link.link_key IS 'Surrogate key.';
COMMENT ON COLUMN task_link.from_task_key IS 'One task of the link (dim_task.task_key), normally the earlier one.';
COMMENT ON COLUMN task_link.to_task_key IS 'The other task of the link (dim_task.task_key), normally the later one.';
COMMENT ON COLUMN task_link.link_type IS 'Kind of link, e.g. same task across plan years.';
COMMENT ON COLUMN task_link.method IS 'How the link was found: text similarity, crosswalk file, …';
COMMENT ON COLUMN task_link.score IS 'Similarity score of the link, if computed.';
COMMENT ON COLUMN task_link.decision IS 'accepted, pending (needs review) or rejected.';
COMMENT ON COLUMN task_link.decided_at IS 'When the decision was made.';

COMMENT ON TABLE etl_run IS 'Grain: one row per pipeline run. Counts of files and reports, timings and the outcome.';
COMMENT ON COLUMN etl_run.run_key IS 'Surrogate key.';
COMMENT ON COLUMN etl_run.flow_name IS 'Prefect flow that ran, e.g. ingest_report.';
COMMENT ON COLUMN etl_run.flow_run_id IS 'Prefect flow run id.';
COMMENT ON COLUMN etl_run.started_at IS 'Start time.';
COMMENT ON COLUMN etl_run.finished_at IS 'End time (NULL while running or if it died).';
COMMENT ON COLUMN etl_run.outcome IS 'running, success, partial, noop, failed, or crashed (closed by a later run; the reason is in message).';
COMMENT ON COLUMN etl_run.files_seen IS 'Files the run looked at.';
COMMENT ON COLUMN etl_run.reports_loaded IS 'Reports loaded or replaced.';
COMMENT ON COLUMN etl_run.reports_skipped IS 'Reports skipped (same bytes already ingested).';
COMMENT ON COLUMN etl_run.reports_failed IS 'Reports rejected or failed.';
COMMENT ON COLUMN etl_run.tasks_loaded IS 'Tasks loaded in total.';
COMMENT ON COLUMN etl_run.seconds IS 'Wall-clock duration in seconds.';
COMMENT ON COLUMN etl_run.message IS 'Summary or error message.';

COMMENT ON TABLE dq_issue IS 'Grain: one row per data-quality finding (run × report × rule × row). What was repaired, doubtful or wrong, with the source lines and the mapping file to edit.';
COMMENT ON COLUMN dq_issue.issue_key IS 'Surrogate key.';
COMMENT ON COLUMN dq_issue.run_key IS 'Run that found it (etl_run.run_key).';
COMMENT ON COLUMN dq_issue.report_key IS 'Report it concerns (dim_report.report_key); NULL for run-level findings.';
COMMENT ON COLUMN dq_issue.source_file IS 'File name of the report.';
COMMENT ON COLUMN dq_issue.table_no IS 'Table number of the row, if the finding is about a row.';
COMMENT ON COLUMN dq_issue.seq IS 'Sequence number (序号) of the row as written, if any.';
COMMENT ON COLUMN dq_issue.line_start IS 'First source line concerned.';
COMMENT ON COLUMN dq_issue.line_end IS 'Last source line concerned.';
COMMENT ON COLUMN dq_issue.stage IS 'Pipeline stage: reader, layout, repair, normalize, metadata, load, …';
COMMENT ON COLUMN dq_issue.rule IS 'Rule name, e.g. repair.split_row_rejoined (severities in schemas/quality.yaml).';
COMMENT ON COLUMN dq_issue.severity IS 'error, warning or info.';
COMMENT ON COLUMN dq_issue.message IS 'What was found, in words.';
COMMENT ON COLUMN dq_issue.mapping_file IS 'The committed mapping file to edit to fix it, if any.';
COMMENT ON COLUMN dq_issue.created_at IS 'When it was recorded.';

COMMENT ON TABLE quarantine IS 'Grain: one row per rejected source file (by sha256). Files the pipeline could not load, kept for review.';
COMMENT ON COLUMN quarantine.quarantine_key IS 'Surrogate key.';
COMMENT ON COLUMN quarantine.run_key IS 'Run that rejected it (etl_run.run_key).';
COMMENT ON COLUMN quarantine.source_file IS 'File name.';
COMMENT ON COLUMN quarantine.sha256 IS 'SHA-256 of the raw file.';
COMMENT ON COLUMN quarantine.raw_path IS 'Path of the archived raw file.';
COMMENT ON COLUMN quarantine.reason IS 'Why it was rejected.';
COMMENT ON COLUMN quarantine.created_at IS 'When it was quarantined.';

COMMIT;
