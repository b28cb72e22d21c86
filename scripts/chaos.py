"""`make chaos`: kill ingestion at named points, run ingestions side by side, feed it bad input.

    python -m scripts.chaos [--fuzz-cases 2000] [--fuzz-office 1000] [--fuzz-markup 1000] [--fuzz-manifests 6000]
                            [--quick] [--keep DIR]

1. Crash safety. Every scenario runs the real CLI (`python -m cli.main ingest …`) in a child
   process with LUOSHI_FAULT set (see warehouse/faults.py), so the child kills itself with SIGKILL at
   that point. Then, as the next run would, the warehouse is opened and checked: every invariant
   of error severity in warehouse/checks/*.sql returns zero rows, every report present is exactly one complete
   version of it (compared row by row with a clean reference run), every archived raw file matches
   its sha256. Finally the same ingestion runs again without the fault (the same flow, in this
   process) and must end with the same content as a clean run; `rows_lost` counts the rows of the
   clean run missing afterwards. The kill points after the load (`after-load`, `quality-checks`,
   `publish`) leave every report loaded and the steps after the load undone: there the next run
   must also finish those steps, leaving every table but the run log, and the published copy, as
   a clean run leaves them, with no run still recorded as running.
2. Concurrency. Two ingestions started together on one warehouse (overlapping files); a reader
   holding the warehouse open while they start; a reader of the published copy (warehouse/publish.py)
   during an ingestion, when that module exists.
3. Bad input. A property-based fuzzer (scripts/fuzz_inputs.py), 10,000 cases by default: report
   bytes of every format through parse_report (each parsed case also loaded into a scratch
   warehouse); real and damaged XLSX/DOCX files (missing parts, merged cells, formulas, empty
   sheets, huge dimensions) likewise; reports carrying console markup (`[/x]`, `[bold]`) through
   `luoshi extract`; manifests (sources.yaml: lists, scalars, anchors and aliases, impossible
   dates, huge values) through the manifest loader. Then every hand-made nasty
   (scripts/make_nasty_fixtures.py, small and big) ingested through the real CLI into a warehouse
   holding the reference reports, which must stay unchanged.

The last line printed is `faults_injected=… faults_survived=… fuzz_cases=… fuzz_unhandled=… rows_lost=…`.
The exit status is 0 only when every fault was injected and survived, nothing was unhandled and
no row was lost.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import yaml  # noqa: E402

REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
COUNTY = {"county": "吉水县", "province": "江西省", "prefecture": "吉安市", "plan_year": 2020}
# The corpus: three reports of one county and plan year (derived from the reference by changing one
# figure of its first task), plus a revised version of the last one (same identity, other content).
CORPUS = {
    "jishui-2020-0930.txt": ("2020-09-30", "monthly", "5100个"),
    "jishui-2020-1031.txt": ("2020-10-31", "monthly", "5300个"),
    "jishui-2020-1130.txt": ("2020-11-30", "year_end", None),
    "jishui-2020-1130-revised.txt": ("2020-11-30", "year_end", "5600个"),
}
MAIN = ["jishui-2020-0930.txt", "jishui-2020-1031.txt", "jishui-2020-1130.txt"]
REVISED = "jishui-2020-1130-revised.txt"
CHILD_TIMEOUT = 300


# --------------------------------------------------------------------------- corpus and children


def write_corpus(directory: Path) -> Path:
    """The four corpus files and their manifest in `directory`; returns the manifest path."""
    directory.mkdir(parents=True, exist_ok=True)
    ref = REFERENCE.read_text(encoding="utf-8")
    entries = []
    for name, (as_of, period, figure) in CORPUS.items():
        text = ref.replace("新增义务教育学位5500个", f"新增义务教育学位{figure}") if figure else ref
        (directory / name).write_text(text, encoding="utf-8")
        entries.append({"file": name, **COUNTY, "as_of": as_of, "period_type": period})
    manifest = directory / "sources.yaml"
    manifest.write_text(yaml.safe_dump({"reports": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return manifest


def child_env(api_url: str | None, fault: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LUOSHI_FAULT", None)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    if fault:
        env["LUOSHI_FAULT"] = fault
    return env


def ingest_cmd(files: list[Path], warehouse: Path, manifest: Path | None, batch_size: int = 1) -> list[str]:
    """The CLI ingestion; batch size 1 by default, so each report has a transaction of its own and
    the kill points can fall between two reports."""
    cmd = [sys.executable, "-m", "cli.main", "ingest", "--warehouse", str(warehouse), "--batch-size", str(batch_size)]
    if manifest:
        cmd += ["--manifest", str(manifest)]
    return cmd + [str(f) for f in files]


def run_ingest(
    files: list[Path], warehouse: Path, manifest: Path | None, api_url: str | None, fault: str | None = None, batch_size: int = 1
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process (killed by itself when `fault` names a point it reaches)."""
    return subprocess.run(
        ingest_cmd(files, warehouse, manifest, batch_size), cwd=ROOT, env=child_env(api_url, fault), capture_output=True, text=True, timeout=CHILD_TIMEOUT
    )


@dataclass
class Child:
    """A CLI ingestion running in the background; its output goes to a file (no pipe to fill)."""

    proc: subprocess.Popen[bytes]
    log: Path

    def wait(self, timeout: float = CHILD_TIMEOUT) -> tuple[int, str]:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode, self.log.read_text(encoding="utf-8", errors="replace")


def start_ingest(files: list[Path], warehouse: Path, manifest: Path | None, api_url: str | None) -> Child:
    fd, log = tempfile.mkstemp(prefix="luoshi-chaos-child-", suffix=".log")
    with os.fdopen(fd, "wb") as fh:
        proc = subprocess.Popen(ingest_cmd(files, warehouse, manifest), cwd=ROOT, env=child_env(api_url), stdout=fh, stderr=subprocess.STDOUT)
    return Child(proc, Path(log))


# --------------------------------------------------------------------------- what the warehouse holds

Identity = str  # "county/plan_year/as_of/period_type"

ROW_QUERIES = {
    "report": """SELECT r.sha256, r.task_count, r.format, r.file_name FROM dim_report r WHERE r.report_key = $k""",
    "progress": """SELECT t.table_no, t.seq, t.sub_seq, t.task_text, f.status_code, f.status_evidence, f.status_confidence, f.progress_label,
                          f.progress_text, f.progress_json, f.issues_text, f.note_text, f.expected_progress, f.on_schedule,
                          f.line_start, f.line_end
                   FROM fct_task_progress f JOIN dim_task t USING (task_key) WHERE f.report_key = $k""",
    "unit": """SELECT t.table_no, t.seq, t.sub_seq, u.unit_name, b.role, b.position, b.line_start
               FROM bridge_task_unit b JOIN dim_task t USING (task_key) JOIN dim_unit u USING (unit_key) WHERE b.report_key = $k""",
    "leader": """SELECT t.table_no, t.seq, t.sub_seq, l.leader_name, b.role, b.position, b.line_start
                 FROM bridge_task_leader b JOIN dim_task t USING (task_key) JOIN dim_leader l USING (leader_key) WHERE b.report_key = $k""",
    "metric": """SELECT t.table_no, t.seq, t.sub_seq, m.metric, m.comparator, m.target_value, m.target_unit, m.actual_value, m.actual_unit,
                        m.achievement_ratio, m.met, m.line_start
                 FROM fct_task_metric m JOIN dim_task t USING (task_key) WHERE m.report_key = $k""",
    "dq": """SELECT d.table_no, d.seq, d.line_start, d.stage, d.rule, d.severity, d.message FROM dq_issue d
           WHERE d.report_key = $k AND d.stage NOT IN ('check', 'gx', 'link')""",  # per-run observations, not report content
}


def open_recovered(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse as the next run would (read-write: DuckDB replays or drops its WAL)."""
    from warehouse.db import connect

    return connect(warehouse, wait_seconds=30)


def report_rows(con: duckdb.DuckDBPyConnection) -> dict[Identity, Counter[str]]:
    """Every report version's rows, without surrogate keys or load times, as a multiset of row
    fingerprints (by county/plan year/as-of/period/version and whether the version is current)."""
    out: dict[Identity, Counter[str]] = {}
    reports = con.execute(
        "SELECT r.report_key, concat_ws('/', c.county_name, r.plan_year, r.as_of_date, r.period_type, "
        "'v' || r.version, CASE WHEN r.is_current THEN 'current' ELSE 'superseded' END) "
        "FROM dim_report r JOIN dim_county c USING (county_key)"
    ).fetchall()
    for key, ident in reports:
        rows: Counter[str] = Counter()
        for kind, query in ROW_QUERIES.items():
            for row in con.execute(query.replace("$k", "?"), [key]).fetchall():
                rows[hashlib.sha1(repr((kind, row)).encode()).hexdigest()] += 1
        out[ident] = rows
    return out


def all_violations(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every error-level invariant of warehouse/checks/*.sql (warning-level ones report data quality,
    such as an unknown unit, and may legitimately return rows)."""
    from warehouse.loader import run_checks

    return run_checks(con, "error")


def archive_problems(raw_dir: Path) -> tuple[list[str], int]:
    """Archived files whose content does not match their sha256 name; and leftover temporary files."""
    problems: list[str] = []
    leftovers = 0
    if not raw_dir.exists():
        return problems, leftovers
    for p in raw_dir.rglob("*"):
        if not p.is_file():
            continue
        if p.name.startswith(".incoming-"):
            leftovers += 1
            continue
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        if not p.name.startswith(digest):
            problems.append(f"archived file {p.name} does not hash to its name")
    return problems, leftovers


@dataclass
class State:
    reports: dict[Identity, Counter[str]]
    violations: list[dict[str, Any]]
    quarantined: list[tuple[str, str, str]]  # source, raw_path, reason
    interrupted_runs: int
    raw_problems: list[str]
    raw_leftovers: int
    missing_raw: list[str]


def read_state(warehouse: Path) -> State:
    con = open_recovered(warehouse)
    try:
        reports = report_rows(con)
        violations = all_violations(con)
        quarantined = [tuple(r) for r in con.execute("SELECT source_file, raw_path, reason FROM quarantine").fetchall()]
        interrupted = con.execute("SELECT count(*) FROM etl_run WHERE finished_at IS NULL").fetchone()[0]
        raw_paths = [r[0] for r in con.execute("SELECT raw_path FROM dim_report UNION ALL SELECT raw_path FROM quarantine").fetchall() if r[0]]
    finally:
        con.close()
    problems, leftovers = archive_problems(warehouse.parent / "raw")
    missing = [p for p in raw_paths if not Path(p).is_file()]
    return State(reports, violations, quarantined, interrupted, problems, leftovers, missing)


# columns that differ between two runs of the same input: surrogate keys, run keys and ids, times,
# and the raw archive's location (beside each warehouse)
VOLATILE = re.compile(r"(_key|_at|_id|_seconds)$|^(raw_path|seconds|fingerprint|applied_at)$")
RUN_LOG = ("etl_run",)


def table_contents(path: Path) -> dict[str, Counter[str]]:
    """Every table but the run log as a multiset of rows, without volatile columns: what two
    warehouses built from the same input must agree on, whatever crashed in between."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out: dict[str, Counter[str]] = {}
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        for t in tables:
            if t in RUN_LOG:
                continue
            cols = [r[0] for r in con.execute(f'DESCRIBE "{t}"').fetchall() if not VOLATILE.search(r[0])]
            if not cols:
                continue
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}"').fetchall()
            out[t] = Counter(repr(r) for r in rows)
        return out
    finally:
        con.close()


def contents_differ(actual: dict[str, Counter[str]], expected: dict[str, Counter[str]]) -> list[str]:
    """The tables whose rows differ, with how many rows each way."""
    out = []
    for t in sorted(set(actual) | set(expected)):
        a, e = actual.get(t, Counter()), expected.get(t, Counter())
        if a != e:
            out.append(f"{t}: {sum((e - a).values())} row(s) missing, {sum((a - e).values())} extra")
    return out


def rows_missing(expected: dict[Identity, Counter[str]], actual: dict[Identity, Counter[str]]) -> int:
    return sum(sum((rows - actual.get(ident, Counter())).values()) for ident, rows in expected.items())


def whole_or_absent(state: State, versions: dict[Identity, list[Counter[str]]]) -> list[str]:
    """Each report present must be exactly one complete version of it."""
    problems = []
    for ident, rows in state.reports.items():
        known = versions.get(ident, [])
        if not any(rows == v for v in known):
            best = min((sum(((v - rows) + (rows - v)).values()) for v in known), default=sum(rows.values()))
            problems.append(f"report {ident} is not a complete version of itself ({best} rows differ)")
    return problems


def state_problems(state: State) -> list[str]:
    out = [f"check {v['check']} ({v['severity']}) failed: {v['examples'][:2]}" for v in state.violations]
    out += state.raw_problems
    out += [f"raw file {p} listed in the warehouse is missing" for p in state.missing_raw]
    return out


# --------------------------------------------------------------------------- scenarios


@dataclass
class Outcome:
    name: str
    injected: bool
    problems: list[str] = field(default_factory=list)
    rows_lost: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def survived(self) -> bool:
        return self.injected and not self.problems and not self.rows_lost


@dataclass
class Golden:
    """What a clean run leaves: the main three reports, and the same after the revised version."""

    main: dict[Identity, Counter[str]]
    revised: dict[Identity, Counter[str]]
    warehouse_dir: Path
    main_tables: dict[str, Counter[str]] = field(default_factory=dict)  # every table but the run log
    main_published: dict[str, Counter[str]] = field(default_factory=dict)  # the same of the published copy

    def versions(self) -> dict[Identity, list[Counter[str]]]:
        out: dict[Identity, list[Counter[str]]] = {}
        for snap in (self.main, self.revised):
            for ident, rows in snap.items():
                if not any(rows == v for v in out.setdefault(ident, [])):
                    out[ident].append(rows)
        return out


def build_golden_in_process(corpus: Path, manifest: Path, work: Path) -> Golden:
    """The same clean runs through the flow in this process (tests: under the Prefect test harness)."""
    from flows.ingest import ingest_report

    wh_dir = work / "golden"
    wh = wh_dir / "warehouse.duckdb"
    ingest_report(paths=[str(corpus / f) for f in MAIN], warehouse=str(wh), manifest=str(manifest))
    main = read_state(wh)
    tables, published = table_contents(wh), table_contents(wh_dir / "published" / wh.name)
    shutil.copytree(wh_dir, work / "golden-main")
    ingest_report(paths=[str(corpus / REVISED)], warehouse=str(wh), manifest=str(manifest))
    return Golden(main.reports, read_state(wh).reports, work / "golden-main", tables, published)


@cache
def golden_once(root: str) -> tuple[Path, Path, Golden]:
    """The corpus and its clean runs under `root`, built once per process (the tests share it)."""
    base = Path(root)
    corpus = base / "corpus"
    manifest = write_corpus(corpus)
    return corpus, manifest, build_golden_in_process(corpus, manifest, base)


def n_error_checks() -> int:
    """How many error-level check files a load runs (the `checks` fault point fires after each)."""
    from warehouse.loader import check_files

    return sum(1 for p in check_files() if re.search(r"--\s*severity:\s*error", p.read_text(encoding="utf-8")) or "severity:" not in p.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class KillScenario:
    point: str  # LUOSHI_FAULT value
    files: tuple[str, ...]
    start_from_golden: bool = False  # begin with the three reports loaded (a revision run)
    note: str = ""
    batch_size: int = 1  # 1: a transaction per report; more: the reports share a batch transaction
    heal: bool = False  # after the load: the next run must finish the steps (links, checks, report, publish)

    @property
    def name(self) -> str:
        return f"kill@{self.point}" + (" (revision)" if self.start_from_golden else "")


def kill_scenarios(n_checks: int, quick: bool = False) -> list[KillScenario]:
    main = tuple(MAIN)
    every = [
        KillScenario("archive@1", main, note="first raw file written, not yet renamed into the archive"),
        KillScenario("archive@3", main, note="two files archived, the third half-way"),
        KillScenario("mid-load@1", main, note="inside the first report's transaction"),
        KillScenario("mid-load@2", main, note="first report committed, second inside its transaction"),
        KillScenario("mid-load@3", main, note="two reports committed, third inside its transaction"),
        KillScenario("checks@1", main, note="during the first report's warehouse checks"),
        KillScenario(f"checks@{n_checks + 2}", main, note="during the second report's warehouse checks"),
        KillScenario(f"checks@{2 * n_checks + n_checks}", main, note="after the third report's last check, before COMMIT"),
        KillScenario("before-finish@1", main, note="every report committed and checked, the run not yet recorded", heal=True),
        KillScenario("quality@1", main, note="the quality step's findings written, not yet committed", heal=True),
        KillScenario("mid-load@1", (REVISED,), True, note="replacing a loaded report with its revision"),
        KillScenario(f"checks@{n_checks}", (REVISED,), True, note="revision: after its last check, before COMMIT"),
        KillScenario("mid-batch@1", main, note="inside the one transaction of a batch holding every report", batch_size=100),
        KillScenario("after-load@1", main, note="every report loaded; nothing linked, checked, reported or published", heal=True),
        KillScenario(f"quality-checks@{max(2, n_checks // 2)}", main, note="half-way through the quality step's warehouse checks", heal=True),
        KillScenario("publish@1", main, note="the copy written beside the published copy, not yet renamed over it", heal=True),
    ]
    if quick:
        return [every[3], every[10]]
    return every


def next_run(files: list[Path], warehouse: Path, manifest: Path) -> str | None:
    """Run the ingest flow in this process (under the driver's Prefect server); a problem or None."""
    from flows.ingest import ingest_report

    try:
        result = ingest_report(paths=[str(f) for f in files], warehouse=str(warehouse), manifest=str(manifest))
    except Exception as exc:  # a crash of the next run is exactly what this harness looks for
        return f"{type(exc).__name__}: {exc}"
    if result.counts.reports_failed:
        return f"{result.counts.reports_failed} report(s) failed: {result.files}"
    return None


def run_kill(sc: KillScenario, corpus: Path, manifest: Path, golden: Golden, work: Path, api_url: str | None) -> Outcome:
    started = time.monotonic()
    wh_dir = work / f"kill-{sc.point.replace('@', '-')}{'-rev' if sc.start_from_golden else ''}"
    if sc.start_from_golden:
        shutil.copytree(golden.warehouse_dir, wh_dir)
    wh = wh_dir / "warehouse.duckdb"
    files = [corpus / f for f in sc.files]
    proc = run_ingest(files, wh, manifest, api_url, fault=sc.point, batch_size=sc.batch_size)
    out = Outcome(sc.name, injected=proc.returncode == -9)
    if not out.injected:
        out.problems.append(f"the fault {sc.point} did not fire (exit status {proc.returncode}): {proc.stderr[-500:]}")
        return out
    # right after the crash: consistent, each report whole or absent
    after = read_state(wh)
    out.problems += [f"after the kill: {p}" for p in state_problems(after)]
    out.problems += [f"after the kill: {p}" for p in whole_or_absent(after, golden.versions())]
    if sc.start_from_golden:
        # the earlier version must still be there, entirely, until the revision commits
        for ident, rows in golden.main.items():
            if after.reports.get(ident) not in (rows, golden.revised.get(ident)):
                out.problems.append(f"after the kill: report {ident} lost its earlier version")
    if after.quarantined:
        out.problems.append(f"after the kill: good reports were quarantined: {after.quarantined}")
    present = sorted(i.split("/")[2] for i in after.reports)
    # the next run (the same flow, in this process) completes the work
    problem = next_run(files, wh, manifest)
    if problem:
        out.problems.append(f"the next run failed: {problem}")
    final = read_state(wh)
    expected = golden.revised if sc.start_from_golden else golden.main
    out.problems += [f"after the next run: {p}" for p in state_problems(final)]
    if final.reports != expected:
        out.problems.append(f"after the next run: reports differ from a clean run ({sorted(final.reports)} vs {sorted(expected)})")
    out.rows_lost = rows_missing(expected, final.reports)
    if sc.heal:
        # the whole warehouse (all tables but the run log) and its published copy as a clean run left them
        out.problems += [f"after the next run: {d}" for d in contents_differ(table_contents(wh), golden.main_tables)]
        pub = wh_dir / "published" / wh.name
        if not pub.is_file():
            out.problems.append("after the next run: nothing was published")
        else:
            out.problems += [f"published copy: {d}" for d in contents_differ(table_contents(pub), golden.main_published)]
        if final.interrupted_runs:
            out.problems.append(f"{final.interrupted_runs} run(s) still recorded as running")
    out.notes.append(f"as-of dates present after the kill: {present or 'none'}")
    if final.interrupted_runs:
        out.notes.append(f"{final.interrupted_runs} interrupted run(s) left unfinished in etl_run")
    if final.raw_leftovers:
        out.notes.append(f"{final.raw_leftovers} temporary file(s) left in the raw archive by the killed run")
    out.seconds = round(time.monotonic() - started, 1)
    return out


def run_concurrent_writers(corpus: Path, manifest: Path, golden: Golden, work: Path, api_url: str | None, reader_holds: float = 0.0) -> Outcome:
    """Two ingestions started together (overlapping files); optionally a reader holding the live
    warehouse open (read-only) while they start. Both must land everything exactly once."""
    started = time.monotonic()
    name = "two writers" + (f" + a reader holding the warehouse {reader_holds:.0f} s" if reader_holds else "")
    wh_dir = work / ("concurrent-reader" if reader_holds else "concurrent")
    wh = wh_dir / "warehouse.duckdb"
    out = Outcome(name, injected=True)
    reader_counts: list[int] = []
    if reader_holds:
        proc = run_ingest([corpus / MAIN[0]], wh, manifest, api_url)  # something to read
        if proc.returncode != 0:
            out.problems.append(f"seeding the warehouse failed: {proc.stderr[-500:]}")
            return out
        reader = duckdb.connect(str(wh), read_only=True)
    a = start_ingest([corpus / MAIN[0], corpus / MAIN[1]], wh, manifest, api_url)
    b = start_ingest([corpus / MAIN[2], corpus / MAIN[1]], wh, manifest, api_url)
    released = None
    if reader_holds:
        deadline = time.monotonic() + reader_holds
        while time.monotonic() < deadline:
            reader_counts.append(reader.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0])
            time.sleep(0.2)
        reader.close()
        released = datetime.now()
    for code, log in (a.wait(), b.wait()):
        if code != 0:
            out.problems.append(f"a writer failed (exit status {code}): {log[-800:]}")
    if reader_holds and len(set(reader_counts)) != 1:
        out.problems.append(f"the reader saw the warehouse change under it: {sorted(set(reader_counts))}")
    final = read_state(wh)
    out.problems += state_problems(final)
    if final.reports != golden.main:
        out.problems.append(f"reports differ from a clean run: {sorted(final.reports)}")
    out.rows_lost = rows_missing(golden.main, final.reports)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        n_reports = con.execute("SELECT count(*) FROM dim_report").fetchone()[0]
        runs = con.execute("SELECT outcome, reports_loaded, reports_skipped FROM etl_run WHERE flow_name = 'ingest_report' ORDER BY run_key").fetchall()
        starts = [r[0] for r in con.execute("SELECT started_at FROM etl_run WHERE flow_name = 'ingest_report' ORDER BY run_key").fetchall()]
    finally:
        con.close()
    if released is not None and any(s < released for s in starts[1:]):
        out.problems.append("a writer started its run while the reader held the warehouse")
    if n_reports != 3:
        out.problems.append(f"{n_reports} dim_report rows for 3 reports")
    out.notes.append(f"runs: {runs}")
    if reader_counts:
        out.notes.append(f"the reader ran {len(reader_counts)} queries while both writers waited")
    out.seconds = round(time.monotonic() - started, 1)
    return out


def run_published_reader(corpus: Path, manifest: Path, work: Path, api_url: str | None) -> Outcome | None:
    """A reader of the published copy (warehouse/publish.py) during an ingestion; None if it does not exist."""
    try:
        from warehouse import publish
    except ImportError:
        return None
    publish_fn = getattr(publish, "publish_warehouse", None)
    if publish_fn is None:
        return None
    started = time.monotonic()
    out = Outcome("reader of the published copy during an ingestion", injected=True)
    wh = work / "published" / "warehouse.duckdb"
    if run_ingest([corpus / MAIN[0]], wh, manifest, api_url).returncode != 0:
        out.problems.append("seeding failed")
        return out
    published = Path(publish_fn(wh).path)
    reader = duckdb.connect(str(published), read_only=True)
    before = reader.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0]
    writer = start_ingest([corpus / MAIN[1]], wh, manifest, api_url)
    seen = set()
    while writer.proc.poll() is None:
        seen.add(reader.execute("SELECT count(*) FROM fct_task_progress").fetchone()[0])
        time.sleep(0.2)
    reader.close()
    code, log = writer.wait()
    if code != 0:
        out.problems.append(f"the writer failed while a reader held the published copy: {log[-500:]}")
    if seen - {before}:
        out.problems.append(f"the reader saw {sorted(seen)} rows, expected only {before}")
    publish_fn(wh)
    con = duckdb.connect(str(published), read_only=True)
    after = con.execute("SELECT count(*) FROM dim_report").fetchone()[0]
    con.close()
    if after != 2:
        out.problems.append(f"the next published copy holds {after} reports, expected 2")
    out.notes.append(f"{len(seen)} distinct answers while the writer ran")
    out.seconds = round(time.monotonic() - started, 1)
    return out


# --------------------------------------------------------------------------- bad input


@dataclass
class FuzzResult:
    cases: int = 0
    parsed: int = 0
    rejected: int = 0
    loaded: int = 0
    unhandled: list[tuple[str, bytes, str]] = field(default_factory=list)
    slowest: tuple[float, str, int] = (0.0, "", 0)
    kind: str = "reports"


# what each fuzz kind feeds, and to what (scripts/fuzz_inputs.py)
FUZZ_KINDS = {
    "reports": "report bytes of every format through parse_report",
    "office": "real and damaged XLSX/DOCX files through parse_report",
    "markup": "reports carrying console markup through `luoshi extract`",
    "manifests": "sources.yaml manifests through the manifest loader",
}


def run_fuzz(n_cases: int, load: bool, seed: int | None = None, kind: str = "reports") -> FuzzResult:
    """n_cases generated inputs of one kind (FUZZ_KINDS); unhandled exceptions are counted, not
    raised (no shrinking). `parsed` counts parsed reports (accepted manifests), `rejected` clean
    refusals."""
    from datetime import date, timedelta

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hyp_seed

    from scripts import fuzz_inputs as fi
    from warehouse.db import ensure_schema
    from warehouse.loader import LoadRejected, ReportLoad, load_reports

    res = FuzzResult(kind=kind)
    con = duckdb.connect(":memory:") if load and kind in ("reports", "office") else None
    if con is not None:
        ensure_schema(con)
    folder = Path(tempfile.mkdtemp(prefix=f"luoshi-fuzz-{kind}-"))
    strategy = {"reports": fi.report_inputs, "office": fi.office_inputs, "markup": fi.markup_inputs, "manifests": fi.manifest_inputs}[kind]()

    @settings(max_examples=n_cases, database=None, deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def one(case: Any) -> None:
        if kind == "manifests":
            data, name = case.encode("utf-8", "replace"), "sources.yaml"
        else:
            data, name = case
        res.cases += 1
        t = time.monotonic()
        try:
            if kind == "manifests":
                accepted = fi.check_manifest(case, folder)
                res.parsed += accepted is not None
                res.rejected += accepted is None
                return
            if kind == "markup":
                status = fi.check_extract_cli(data, name, folder)
                res.parsed += status == 0
                res.rejected += status == 1
                return
            parsed = fi.check_report(data, name)
            if parsed is None:
                res.rejected += 1
            else:
                res.parsed += 1
                if con is not None:
                    as_of = date(2001, 1, 1) + timedelta(days=res.cases)
                    load = ReportLoad(
                        county="测试县", plan_year=as_of.year, as_of=as_of, period_type="monthly",
                        sha256=hashlib.sha256(data).hexdigest(), file_name=name, records=parsed.records,
                        findings=parsed.findings, format=parsed.format, parser_version="fuzz",
                    )
                    if not isinstance(load_reports(con, [load])[0], LoadRejected):
                        res.loaded += 1
        except Exception:
            res.unhandled.append((name, data[:300], traceback.format_exc(limit=6)))
        finally:
            dt = time.monotonic() - t
            if dt > res.slowest[0]:
                res.slowest = (round(dt, 2), name, len(data))

    if seed is not None:
        one = hyp_seed(seed)(one)
    try:
        one()
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(folder, ignore_errors=True)
    return res


@dataclass
class NastyResult:
    files: int = 0
    unhandled: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    rows_lost: int = 0


def run_nasties(golden: Golden, work: Path, api_url: str | None) -> NastyResult:
    """Every nasty ingested by the real CLI into a copy of the clean warehouse."""
    from scripts.make_nasty_fixtures import all_nasties, write

    nasties = all_nasties(include_big=True)
    folder = work / "nasty"
    write(folder, nasties)
    wh_dir = work / "nasty-warehouse"
    shutil.copytree(golden.warehouse_dir, wh_dir)
    wh = wh_dir / "warehouse.duckdb"
    res = NastyResult(files=len(nasties))
    proc = run_ingest([folder], wh, folder / "sources.yaml", api_url)
    if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
        res.unhandled.append(f"the ingestion crashed (exit status {proc.returncode}): {proc.stderr[-1500:]}")
    state = read_state(wh)
    res.wrong += state_problems(state)
    res.rows_lost = rows_missing(golden.main, state.reports)
    for ident in golden.main:
        if state.reports.get(ident) != golden.main[ident]:
            res.wrong.append(f"earlier report {ident} changed")
    con = duckdb.connect(str(wh), read_only=True)
    loaded = {r[0]: r[1] for r in con.execute("SELECT file_name, task_count FROM dim_report").fetchall()}
    con.close()
    quarantined = {Path(src).name: (raw, reason) for src, raw, reason in state.quarantined}
    for n in nasties:
        if n.name in quarantined:
            raw, reason = quarantined[n.name]
            if not raw or Path(raw).read_bytes() != n.data:
                res.wrong.append(f"{n.name}: rejected but its raw copy is missing or differs")
            if n.name not in reason:
                res.wrong.append(f"{n.name}: the reason does not name the file: {reason[:200]}")
            if n.expect == "parsed":
                res.wrong.append(f"{n.name}: expected a clean parse, was rejected: {reason[:200]}")
            for c in n.contains:
                if c not in reason:
                    res.wrong.append(f"{n.name}: reason lacks {c!r}: {reason[:200]}")
        elif n.name in loaded:
            if n.expect == "rejected":
                res.wrong.append(f"{n.name}: expected a rejection, was loaded with {loaded[n.name]} tasks")
            if n.tasks is not None and loaded[n.name] != n.tasks:
                res.wrong.append(f"{n.name}: loaded {loaded[n.name]} tasks, expected {n.tasks}")
            if n.min_tasks is not None and loaded[n.name] < n.min_tasks:
                res.wrong.append(f"{n.name}: loaded {loaded[n.name]} tasks, expected at least {n.min_tasks}")
        else:
            res.unhandled.append(f"{n.name}: neither loaded nor quarantined")
    return res


# --------------------------------------------------------------------------- driver


@contextmanager
def prefect_server(api_url: str | None) -> Iterator[str]:
    """One Prefect server for every child (instead of a temporary server per CLI run)."""
    if api_url:
        yield api_url
        return
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def say(msg: str) -> None:
    print(msg, flush=True)


def timed(label: str, fn: Callable[[], Any]) -> Any:
    t = time.monotonic()
    result = fn()
    say(f"  ({label}: {time.monotonic() - t:.1f} s)")
    return result


def run_all_fuzz(args: argparse.Namespace) -> tuple[int, int]:
    """Every fuzz kind with the counts of the command line; returns (cases, unhandled)."""
    counts = {"reports": args.fuzz_cases, "office": args.fuzz_office, "markup": args.fuzz_markup, "manifests": args.fuzz_manifests}
    say(f"chaos: fuzzing with {sum(counts.values())} generated cases (parsed reports loaded into a scratch warehouse)")
    cases = unhandled = 0
    for kind, n in counts.items():
        if n <= 0:
            continue
        say(f"  {kind}: {n} cases, {FUZZ_KINDS[kind]}")
        fz = timed(f"fuzz {kind}", lambda kind=kind, n=n: run_fuzz(n, load=True, seed=args.seed, kind=kind))
        say(f"  {kind}: cases={fz.cases} parsed={fz.parsed} loaded={fz.loaded} rejected={fz.rejected} unhandled={len(fz.unhandled)} slowest={fz.slowest}")
        for reason, k in Counter(re.sub(r"\d+", "N", tb.strip().splitlines()[-1])[:160] for _, _, tb in fz.unhandled).most_common(8):
            say(f"    {k:5d} × {reason}")
        for name, head, tb in fz.unhandled[:3]:
            say(f"  UNHANDLED {name!r} {head[:80]!r}\n{tb}")
        unhandled += len(fz.unhandled)
        cases += fz.cases
    return cases, unhandled


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fuzz-cases", type=int, default=int(os.environ.get("CHAOS_FUZZ_CASES", "2000")), help="report bytes of every format")
    ap.add_argument("--fuzz-office", type=int, default=1000, help="real and damaged XLSX/DOCX files")
    ap.add_argument("--fuzz-markup", type=int, default=1000, help="reports with console markup, through `luoshi extract`")
    ap.add_argument("--fuzz-manifests", type=int, default=6000, help="sources.yaml manifests")
    ap.add_argument("--fuzz-only", action="store_true", help="only the fuzzing (no Prefect server, kills or nasties)")
    ap.add_argument("--quick", action="store_true", help="two kill points, one concurrency scenario, no big nasties")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    ap.add_argument("--api-url", default=os.environ.get("PREFECT_API_URL"), help="an existing Prefect API (default: start one)")
    args = ap.parse_args(argv)
    os.environ.pop("LUOSHI_FAULT", None)  # faults are for the children only
    if args.fuzz_only:
        cases, unhandled = run_all_fuzz(args)
        say(f"fuzz_cases={cases} fuzz_unhandled={unhandled}")
        return 0 if not unhandled else 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the Prefect server and clean up on TERM
    started = time.monotonic()
    work = args.keep or Path(tempfile.mkdtemp(prefix="luoshi-chaos-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    rows_lost = 0
    unhandled = 0
    fuzz_cases = 0
    try:
        with prefect_server(args.api_url) as api_url:
            corpus = work / "corpus"
            manifest = write_corpus(corpus)
            say("chaos: a clean run of the corpus (3 reports, then a revision of the last)")
            golden = timed("clean runs", lambda: build_golden_in_process(corpus, manifest, work))
            scenarios = kill_scenarios(n_error_checks(), quick=args.quick)
            say(f"chaos: {len(scenarios)} kill scenarios (SIGKILL at a named point, then the next run)")
            for sc in scenarios:
                o = run_kill(sc, corpus, manifest, golden, work, api_url)
                outcomes.append(o)
                rows_lost += o.rows_lost
                say(f"  {'ok  ' if o.survived else 'FAIL'} {o.name:34s} {o.seconds:5.1f} s  {sc.note}; {'; '.join(o.notes)}")
                for p in o.problems:
                    say(f"       {p}")
            say("chaos: concurrency")
            conc = [run_concurrent_writers(corpus, manifest, golden, work, api_url)]
            if not args.quick:
                conc.append(run_concurrent_writers(corpus, manifest, golden, work, api_url, reader_holds=15.0))
                pub = run_published_reader(corpus, manifest, work, api_url)
                if pub is None:
                    say("  skip the published read-only copy (warehouse/publish.py) is not in this tree")
                else:
                    conc.append(pub)
            for o in conc:
                rows_lost += o.rows_lost
                say(f"  {'ok  ' if not o.problems else 'FAIL'} {o.name:34s} {o.seconds:5.1f} s  {'; '.join(o.notes)}")
                for p in o.problems:
                    say(f"       {p}")
            concurrency_failed = sum(bool(o.problems) for o in conc)
            fuzz_cases, fuzz_unhandled = run_all_fuzz(args)
            unhandled += fuzz_unhandled
            nasty_failed = 0
            if not args.quick:
                say("chaos: hand-made nasty inputs through the real CLI, into a warehouse holding the corpus")
                nr = timed("nasties", lambda: run_nasties(golden, work, api_url))
                say(f"  files={nr.files} unhandled={len(nr.unhandled)} wrong={len(nr.wrong)} rows_lost={nr.rows_lost}")
                for p in nr.unhandled + nr.wrong:
                    say(f"       {p}")
                unhandled += len(nr.unhandled)
                rows_lost += nr.rows_lost
                nasty_failed = len(nr.wrong)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    injected = sum(o.injected for o in outcomes)
    survived = sum(o.survived for o in outcomes)
    ok = injected == len(outcomes) and survived == injected and not unhandled and not rows_lost and not concurrency_failed and not nasty_failed
    say(f"chaos: {'PASS' if ok else 'FAIL'} in {time.monotonic() - started:.0f} s "
        f"(kill scenarios {len(outcomes)}, concurrency scenarios failed {concurrency_failed}, nasty expectations failed {nasty_failed})")
    say(f"faults_injected={injected} faults_survived={survived} fuzz_cases={fuzz_cases} fuzz_unhandled={unhandled} rows_lost={rows_lost}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
