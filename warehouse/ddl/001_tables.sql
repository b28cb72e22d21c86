-- luoshi warehouse: star schema (DESIGN.md "Warehouse"). Idempotent: safe to run on every connect.
CREATE SEQUENCE IF NOT EXISTS seq_county START 1;
CREATE SEQUENCE IF NOT EXISTS seq_report START 1;
CREATE SEQUENCE IF NOT EXISTS seq_section START 1;
CREATE SEQUENCE IF NOT EXISTS seq_task START 1;
CREATE SEQUENCE IF NOT EXISTS seq_leader START 1;
CREATE SEQUENCE IF NOT EXISTS seq_unit START 1;
CREATE SEQUENCE IF NOT EXISTS seq_metric START 1;
CREATE SEQUENCE IF NOT EXISTS seq_link START 1;
CREATE SEQUENCE IF NOT EXISTS seq_dq START 1;
CREATE SEQUENCE IF NOT EXISTS seq_run START 1;

CREATE TABLE IF NOT EXISTS dim_county (
    county_key   INTEGER PRIMARY KEY DEFAULT nextval('seq_county'),
    county_name  VARCHAR NOT NULL UNIQUE,
    province     VARCHAR,
    prefecture   VARCHAR
);

CREATE TABLE IF NOT EXISTS dim_report (
    report_key      INTEGER PRIMARY KEY DEFAULT nextval('seq_report'),
    county_key      INTEGER NOT NULL,
    plan_year       INTEGER NOT NULL,
    as_of_date      DATE NOT NULL,
    period_type     VARCHAR NOT NULL,
    title           VARCHAR,
    source_uri      VARCHAR,
    file_name       VARCHAR,
    sha256          VARCHAR NOT NULL,
    raw_path        VARCHAR,
    format          VARCHAR,
    parser_version  VARCHAR,
    metadata_source VARCHAR,
    task_count      INTEGER,
    ingested_at     TIMESTAMP NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    is_current      BOOLEAN NOT NULL DEFAULT true,
    superseded_by   INTEGER,
    UNIQUE (county_key, plan_year, as_of_date, period_type, version)
);

CREATE TABLE IF NOT EXISTS dim_section (
    section_key  INTEGER PRIMARY KEY DEFAULT nextval('seq_section'),
    county_key   INTEGER NOT NULL,
    plan_year    INTEGER NOT NULL,
    table_no     INTEGER NOT NULL,
    table_title  VARCHAR,
    part         VARCHAR,
    section      VARCHAR
);

CREATE TABLE IF NOT EXISTS dim_task (
    task_key        INTEGER PRIMARY KEY DEFAULT nextval('seq_task'),
    county_key      INTEGER NOT NULL,
    plan_year       INTEGER NOT NULL,
    table_no        INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    sub_seq         INTEGER NOT NULL DEFAULT 0,
    section_key     INTEGER,
    project         VARCHAR,
    task_text       VARCHAR NOT NULL,
    target_text     VARCHAR,
    deadline        VARCHAR,
    thread_key      INTEGER,
    first_report_key INTEGER
);
-- a warehouse built before sub-tasks were read: every task it holds is an item's own row
ALTER TABLE dim_task ADD COLUMN IF NOT EXISTS sub_seq INTEGER DEFAULT 0;

CREATE TABLE IF NOT EXISTS dim_leader (
    leader_key   INTEGER PRIMARY KEY DEFAULT nextval('seq_leader'),
    leader_name  VARCHAR NOT NULL UNIQUE,
    is_role      BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS dim_unit (
    unit_key   INTEGER PRIMARY KEY DEFAULT nextval('seq_unit'),
    unit_name  VARCHAR NOT NULL UNIQUE,
    unit_type  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_status (
    status_code  VARCHAR PRIMARY KEY,
    label_zh     VARCHAR NOT NULL,
    label_en     VARCHAR NOT NULL,
    sort_order   INTEGER NOT NULL,
    is_final     BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS fct_task_progress (
    report_key         INTEGER NOT NULL,
    task_key           INTEGER NOT NULL,
    status_code        VARCHAR NOT NULL,
    status_evidence    VARCHAR,
    status_confidence  VARCHAR NOT NULL,
    explicit_status    VARCHAR,
    progress_label     VARCHAR,
    progress_text      VARCHAR,
    progress_json      VARCHAR,
    issues_text        VARCHAR,
    note_text          VARCHAR,
    expected_progress  DOUBLE,
    on_schedule        BOOLEAN,
    line_start         INTEGER NOT NULL,
    line_end           INTEGER NOT NULL,
    deadline_text      VARCHAR,
    deadline_date      DATE,
    deadline_basis     VARCHAR,
    reported_pct       DOUBLE,
    pct_gap            DOUBLE,
    PRIMARY KEY (report_key, task_key)
);
-- a warehouse built before deadlines and reported shares were read: its rows have none (NULL)
ALTER TABLE fct_task_progress ADD COLUMN IF NOT EXISTS deadline_text VARCHAR;
ALTER TABLE fct_task_progress ADD COLUMN IF NOT EXISTS deadline_date DATE;
ALTER TABLE fct_task_progress ADD COLUMN IF NOT EXISTS deadline_basis VARCHAR;
ALTER TABLE fct_task_progress ADD COLUMN IF NOT EXISTS reported_pct DOUBLE;
ALTER TABLE fct_task_progress ADD COLUMN IF NOT EXISTS pct_gap DOUBLE;

CREATE TABLE IF NOT EXISTS fct_task_metric (
    metric_key         INTEGER PRIMARY KEY DEFAULT nextval('seq_metric'),
    report_key         INTEGER NOT NULL,
    task_key           INTEGER NOT NULL,
    metric             VARCHAR NOT NULL,
    comparator         VARCHAR,
    target_value       DOUBLE,
    target_unit        VARCHAR,
    target_text        VARCHAR,
    target_base_value  DOUBLE,
    actual_value       DOUBLE,
    actual_unit        VARCHAR,
    actual_text        VARCHAR,
    actual_base_value  DOUBLE,
    base_unit          VARCHAR,
    achievement_ratio  DOUBLE,
    met                BOOLEAN,
    line_start         INTEGER NOT NULL,
    line_end           INTEGER NOT NULL,
    result_rank        INTEGER NOT NULL DEFAULT 1
);
-- a warehouse built before a target kept several results: each of its rows was its only one
ALTER TABLE fct_task_metric ADD COLUMN IF NOT EXISTS result_rank INTEGER DEFAULT 1;

CREATE TABLE IF NOT EXISTS bridge_task_unit (
    report_key  INTEGER NOT NULL,
    task_key    INTEGER NOT NULL,
    unit_key    INTEGER NOT NULL,
    role        VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    line_start  INTEGER NOT NULL,
    line_end    INTEGER NOT NULL,
    PRIMARY KEY (report_key, task_key, unit_key, role)
);

CREATE TABLE IF NOT EXISTS bridge_task_leader (
    report_key  INTEGER NOT NULL,
    task_key    INTEGER NOT NULL,
    leader_key  INTEGER NOT NULL,
    role        VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    line_start  INTEGER NOT NULL,
    line_end    INTEGER NOT NULL,
    PRIMARY KEY (report_key, task_key, leader_key)
);

CREATE TABLE IF NOT EXISTS task_link (
    link_key       INTEGER PRIMARY KEY DEFAULT nextval('seq_link'),
    from_task_key  INTEGER NOT NULL,
    to_task_key    INTEGER NOT NULL,
    link_type      VARCHAR NOT NULL,
    method         VARCHAR NOT NULL,
    score          DOUBLE,
    decision       VARCHAR NOT NULL,
    decided_at     TIMESTAMP,
    UNIQUE (from_task_key, to_task_key)
);

CREATE TABLE IF NOT EXISTS etl_run (
    run_key          INTEGER PRIMARY KEY DEFAULT nextval('seq_run'),
    flow_name        VARCHAR NOT NULL,
    flow_run_id      VARCHAR,
    started_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP,
    outcome          VARCHAR NOT NULL,
    files_seen       INTEGER NOT NULL DEFAULT 0,
    reports_loaded   INTEGER NOT NULL DEFAULT 0,
    reports_skipped  INTEGER NOT NULL DEFAULT 0,
    reports_failed   INTEGER NOT NULL DEFAULT 0,
    tasks_loaded     INTEGER NOT NULL DEFAULT 0,
    seconds          DOUBLE,
    message          VARCHAR
);

CREATE TABLE IF NOT EXISTS dq_issue (
    issue_key     INTEGER PRIMARY KEY DEFAULT nextval('seq_dq'),
    run_key       INTEGER,
    report_key    INTEGER,
    source_file   VARCHAR,
    table_no      INTEGER,
    seq           VARCHAR,
    line_start    INTEGER,
    line_end      INTEGER,
    stage         VARCHAR NOT NULL,
    rule          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    message       VARCHAR NOT NULL,
    mapping_file  VARCHAR,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_key  INTEGER PRIMARY KEY DEFAULT nextval('seq_dq'),
    run_key         INTEGER,
    source_file     VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    raw_path        VARCHAR,
    reason          VARCHAR NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (sha256)
);
