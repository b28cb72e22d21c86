"""Input nobody checked: manifests entry by entry, impossible metadata, symbolic links out of the
inbox, rich markup in a file's first line — through the real loader, the real flows and the CLI."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.main import app
from scripts import chaos
from sources import ArchivedFile, find_manifest_entry, inbox_files, link_out_of, manifests_for
from sources.manifest import ManifestError, load_manifest, overrides_entry
from tests.helpers import REFERENCE, ROOT, SAMPLES

TODAY = date(2026, 12, 7)
GOOD = """  - file: {name}
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2020
    as_of: {as_of}
    period_type: {period}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def archived(path: Path) -> ArchivedFile:
    data = path.read_bytes()
    return ArchivedFile(str(path), path.name, hashlib.sha256(data).hexdigest(), str(path), len(data))


# ------------------------------------------------------------------------------------ the manifest model


def test_each_entry_is_checked_alone_and_named(tmp_path):
    m = load_manifest(write(tmp_path / "sources.yaml", "reports:\n"
        + GOOD.format(name="good.txt", as_of="2020-11-30", period="year_end")
        + "  - file: year.txt\n    plan_year: 99999\n"
        + "  - file: day.txt\n    as_of: 2021-02-30\n"  # unquoted: YAML would make it a date and fail the whole file
        + "  - file: old.txt\n    as_of: 1900-01-01\n"
        + "  - file: typo.txt\n    asof: 2020-01-01\n"
        + "  - file: kind.txt\n    period_type: weekly\n"
        + "  - just a file name\n"
        + "  - county: 吉水县\n"
        + GOOD.format(name="also-good.txt", as_of="'2020-10-31'", period="monthly")
        + "  - file: tagged.txt\n    county: !thing 吉水县\n"), today=TODAY)
    assert m.error is None
    errors = {i: e.error for i, e in enumerate(m.entries, start=1)}
    path = tmp_path / "sources.yaml"
    assert errors[1] is None and errors[9] is None
    assert errors[2] == f"{path}, entry 2 (year.txt): plan_year 99999 is out of range (1949..2028)"
    assert errors[3] == f"{path}, entry 3 (day.txt): as_of 2021-02-30 is not a date: day is out of range for month"
    assert errors[4] == f"{path}, entry 4 (old.txt): as_of 1900-01-01 is out of range (1949-01-01..2027-12-31)"
    assert errors[5].startswith(f"{path}, entry 5 (typo.txt): unknown field 'asof'")
    assert errors[6].startswith(f"{path}, entry 6 (kind.txt): period_type must be one of plan, monthly") and errors[6].endswith("got 'weekly'")
    assert errors[7] == f"{path}, entry 7: an entry is a mapping (file: …, county: …), not str"
    assert errors[8] == f"{path}, entry 8: names no report (give file, sha256 or url)"
    assert errors[10].startswith(f"{path}, entry 10 (tagged.txt): could not determine a constructor for the tag '!thing'")
    assert m.problems() == [errors[7], errors[8]]  # the entries that block no report
    assert m.find(["good.txt"]).meta().as_of == date(2020, 11, 30)
    assert m.find(["also-good.txt"]).meta().as_of == date(2020, 10, 31)
    assert m.find(["year.txt"]).error == errors[2]  # a bad entry blocks the report it names


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("just a string\n", "not a single value"),
        ("2020\n", "not a single value"),
        ("reports: {file: x.txt}\n", "`reports:` must hold a list"),
        ("file: x.txt\ncounty: 吉水县\n", "a list of entries under `reports:`"),
        ("reports:\n  - file: [x\n", "cannot be read: while parsing"),
        ("reports: &r\n  - file: x.txt\nagain: *r\n", "reached through a YAML alias"),
        ("x: &r [{file: a.txt}]\nreports: *r\n", "reached through a YAML alias"),
        ("note: &n {a: 1}\nagain: *n\nreports:\n  - file: x.txt\n", None),  # an alias outside the entries is never read
        ("\xff\xfe", "cannot be read"),
    ],
)
def test_a_manifest_that_cannot_be_read_says_so(tmp_path, text, problem):
    path = tmp_path / "sources.yaml"
    path.write_bytes(text.encode("utf-8") if not text.startswith("\xff") else b"\xff\xfe\x00")
    m = load_manifest(path, today=TODAY)
    if problem is None:
        assert m.error is None and [e.keys() for e in m.entries] == [["x.txt"]]
        return
    assert m.error is not None and m.error.startswith(f"{path}: the manifest cannot be read") and problem in m.error
    assert m.entries == [] and m.problems() == [m.error]


def test_a_bare_list_is_a_manifest_too(tmp_path):
    m = load_manifest(write(tmp_path / "sources.yaml", GOOD.format(name="a.txt", as_of="2020-11-30", period="year_end").replace("  - ", "- ", 1).replace("\n    ", "\n  ")), today=TODAY)
    assert m.error is None and m.find(["a.txt"]).county == "吉水县"


def test_aliases_are_refused_and_a_yaml_bomb_stays_small(tmp_path):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]  # 9^9 strings
    text = "\n".join(levels) + "\nreports:\n" + GOOD.format(name="ok.txt", as_of="2020-11-30", period="year_end")
    text += "  - file: boom.txt\n    title: *i\n  - &dup {file: first.txt, county: 吉水县}\n  - *dup\n"
    started = time.monotonic()
    m = load_manifest(write(tmp_path / "sources.yaml", text), today=TODAY)
    assert time.monotonic() - started < 2
    assert m.error is None
    assert m.find(["ok.txt"]).error is None
    assert "entry 2 (boom.txt): uses a YAML alias" in m.find(["boom.txt"]).error
    assert "entry 4 (first.txt): uses a YAML alias" in m.find(["first.txt"]).error  # the repeated entry blocks its report


def test_two_entries_that_disagree_block_their_report(tmp_path):
    m = load_manifest(write(tmp_path / "sources.yaml", "reports:\n"
        + GOOD.format(name="a.txt", as_of="2020-11-30", period="year_end")
        + GOOD.format(name="a.txt", as_of="2020-11-30", period="year_end")  # the same twice: fine
        + GOOD.format(name="b.txt", as_of="2020-11-30", period="year_end")
        + GOOD.format(name="b.txt", as_of="2020-10-31", period="monthly")), today=TODAY)
    assert m.find(["a.txt"]).error is None
    assert m.find(["b.txt"]).error.endswith("entry 3 (b.txt) and " + f"{tmp_path / 'sources.yaml'}, entry 4 (b.txt) both describe b.txt and disagree")


def test_an_unreadable_manifest_blocks_only_the_reports_it_would_describe(tmp_path):
    good_dir, bad_dir = tmp_path / "good", tmp_path / "bad"
    write(good_dir / "sources.yaml", "reports:\n" + GOOD.format(name="named.txt", as_of="2020-11-30", period="year_end"))
    write(bad_dir / "sources.yaml", "reports:\n  - file: [x\n")
    files = [write(good_dir / "named.txt", "a"), write(good_dir / "other.txt", "b"), write(bad_dir / "named.txt", "c"), write(bad_dir / "other.txt", "d")]
    manifests = manifests_for(files, None)
    found = {str(f.relative_to(tmp_path)): find_manifest_entry(archived(f), manifests) for f in files}
    assert found["good/named.txt"].error is None and found["good/other.txt"] is None  # inferred from its text
    assert found["bad/named.txt"].error is None  # named by a manifest that can be read
    assert found["bad/other.txt"].error.startswith(f"other.txt: not loaded: {bad_dir / 'sources.yaml'}: the manifest cannot be read")
    with pytest.raises(FileNotFoundError, match="nonexistent.yaml"):
        manifests_for(files, str(tmp_path / "nonexistent.yaml"))


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"plan_year": 99999}, "plan_year 99999 is out of range"),
        ({"plan_year": 1900}, "plan_year 1900 is out of range"),
        ({"as_of": "1900-01-01"}, "as_of 1900-01-01 is out of range"),
        ({"as_of": "2021-02-30"}, "as_of 2021-02-30 is not a date"),
        ({"as_of": "20210101"}, "as_of must be a date YYYY-MM-DD"),
        ({"period_type": "weekly"}, "period_type must be one of .*, got 'weekly'"),
    ],
)
def test_impossible_metadata_given_directly_is_an_error(given, problem):
    with pytest.raises(ManifestError, match=problem):
        overrides_entry(given)
    assert overrides_entry({"plan_year": 2020, "as_of": "2020-11-30", "county": None}).meta().plan_year == 2020


# ------------------------------------------------------------------------------------ the command line

runner = CliRunner()
WIDE = {"COLUMNS": "400", "TERMINAL_WIDTH": "400"}  # error panels on one line


def flat(output: str) -> str:
    return " ".join(output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("option", "problem"),
    [(["--plan-year", "99999"], "--plan-year 99999 is out of range"), (["--as-of", "1900-01-01"], "--as-of 1900-01-01 is out of range")],
)
@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_impossible_metadata_on_the_command_line_is_an_error(tmp_path, command, option, problem):
    res = runner.invoke(app, [command, str(REFERENCE), *option, *(["-w", str(tmp_path / "w.duckdb")] if command == "ingest" else [])], env=WIDE)
    assert res.exit_code == 2, res.output
    assert problem in flat(res.output)
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    "command",
    [["ingest", str(REFERENCE)], ["extract", str(REFERENCE)], ["inbox", str(SAMPLES)], ["backfill", str(SAMPLES)]],
)
def test_a_missing_or_unreadable_manifest_option_is_an_error(tmp_path, command):
    wh = ["-w", str(tmp_path / "w.duckdb")] if command[0] != "extract" else []
    res = runner.invoke(app, [*command, *wh, "--manifest", "/nonexistent.yaml"], env=WIDE)
    assert res.exit_code == 2, res.output
    assert "'/nonexistent.yaml' does not exist" in flat(res.output)
    broken = write(tmp_path / "broken.yaml", "just a string\n")
    res = runner.invoke(app, [*command, *wh, "--manifest", str(broken)], env=WIDE)
    assert res.exit_code == 2, res.output
    assert f"{broken}: the manifest cannot be read" in flat(res.output)
    assert not (tmp_path / "w.duckdb").exists()


def test_extract_refuses_a_bad_manifest_entry(tmp_path):
    report = tmp_path / REFERENCE.name
    shutil.copy(REFERENCE, report)
    write(tmp_path / "sources.yaml", "reports:\n" + GOOD.format(name=REFERENCE.name, as_of="2020-02-30", period="year_end"))
    res = runner.invoke(app, ["extract", str(report)], env=WIDE)
    assert res.exit_code == 1 and res.stdout == ""
    assert f"entry 1 ({REFERENCE.name}): as_of 2020-02-30 is not a date" in flat(res.output)


# ------------------------------------------------------------------------------------ symbolic links


def test_symbolic_links_out_of_the_inbox_are_refused(tmp_path):
    inbox_dir, outside = tmp_path / "inbox", tmp_path / "outside"
    write(outside / "secret.txt", "not for the warehouse\n")
    write(inbox_dir / "sub" / "real.txt", "a report\n")
    os.symlink(outside / "secret.txt", inbox_dir / "out.txt")
    os.symlink(outside, inbox_dir / "out-dir")
    os.symlink(inbox_dir / "sub" / "real.txt", inbox_dir / "in.txt")
    os.symlink("../../outside/secret.txt", inbox_dir / "sub" / "relative.txt")
    files, refused = inbox_files(inbox_dir)
    assert sorted(str(p.relative_to(inbox_dir)) for p in files) == ["in.txt", "sub/real.txt"]  # a link inside may be followed
    assert sorted(str(p.relative_to(inbox_dir)) for p, _ in refused) == ["out.txt", "sub/relative.txt"]
    assert all(reason == f"{p}: a symbolic link that leads out of the inbox {inbox_dir}; not read" for p, reason in refused)
    assert link_out_of(inbox_dir / "out-dir" / "secret.txt", inbox_dir)  # through a linked folder
    assert not link_out_of(outside / "secret.txt", inbox_dir)  # a file a manifest names elsewhere, not a link
    os.symlink(outside / "secret.txt", outside / "link.txt")
    assert link_out_of(outside / "link.txt", inbox_dir)


# ------------------------------------------------------------------------------------ whole runs


def test_the_inbox_loads_what_it_can_and_names_what_it_refused(prefect_harness, tmp_path):
    from flows.inbox import inbox
    from flows.pipeline import FileResult

    inbox_dir, outside = tmp_path / "inbox", tmp_path / "outside"
    text = REFERENCE.read_text(encoding="utf-8")
    write(inbox_dir / REFERENCE.name, text)
    write(inbox_dir / "impossible-date.txt", text + "\n")
    write(inbox_dir / "aliased.txt", text + "\n\n")
    write(inbox_dir / "broken" / "sources.yaml", "reports:\n  - file: [x\n")
    write(inbox_dir / "broken" / "unnamed.txt", text + "\n\n\n")
    write(inbox_dir / "fine" / "sources.yaml", "reports:\n" + GOOD.format(name="october.txt", as_of="2020-10-31", period="monthly"))
    write(inbox_dir / "fine" / "october.txt", text + "\n\n\n\n")
    secret = write(outside / "secret.txt", "SECRET-LINE 机密\n" + text)
    os.symlink(secret, inbox_dir / "link.txt")
    os.symlink(inbox_dir / REFERENCE.name, inbox_dir / "inside-link.txt")
    write(inbox_dir / "sources.yaml", "reports:\n"
          + GOOD.format(name=REFERENCE.name, as_of="2020-11-30", period="year_end").replace("county: 吉水县", "county: &c 吉水县")
          + GOOD.format(name="impossible-date.txt", as_of="2020-06-31", period="monthly")
          + "  - {file: aliased.txt, county: *c, plan_year: 2020, as_of: 2020-09-30, period_type: monthly}\n"
          + "  - 2020\n")
    wh = tmp_path / "data" / "warehouse.duckdb"
    result = inbox(inbox_dir=str(inbox_dir), warehouse=str(wh))
    by_file = {str(Path(r.file).relative_to(inbox_dir)) if r.file.startswith(str(inbox_dir)) else r.file: r for r in result.files}
    assert result.outcome == "partial" and result.counts.reports_loaded == 2
    assert by_file[REFERENCE.name].outcome == "loaded" and by_file["fine/october.txt"].outcome == "loaded"
    assert "inside-link.txt" not in by_file  # followed: the report it points at, read once
    manifest = inbox_dir / "sources.yaml"
    assert by_file["impossible-date.txt"].outcome == "rejected"
    assert by_file["impossible-date.txt"].message == f"{manifest}, entry 2 (impossible-date.txt): as_of 2020-06-31 is not a date: day is out of range for month"
    assert by_file["aliased.txt"].outcome == "rejected" and "entry 3 (aliased.txt): uses a YAML alias" in by_file["aliased.txt"].message
    assert by_file["sources.yaml"].outcome == "failed" and by_file["sources.yaml"].message == f"{manifest}, entry 4: an entry is a mapping (file: …, county: …), not int"
    assert by_file["broken/unnamed.txt"].outcome == "rejected"
    assert by_file["broken/unnamed.txt"].message.startswith(f"unnamed.txt: not loaded: {inbox_dir / 'broken' / 'sources.yaml'}: the manifest cannot be read")
    assert by_file["link.txt"] == FileResult(str(inbox_dir / "link.txt"), "rejected", 0,
                                             f"{inbox_dir / 'link.txt'}: a symbolic link that leads out of the inbox {inbox_dir}; not read")
    secret_sha = hashlib.sha256(secret.read_bytes()).hexdigest()
    for path in (wh, Path(result.published.path)):
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert sorted(r[0] for r in con.execute("SELECT file_name FROM dim_report").fetchall()) == sorted([REFERENCE.name, "october.txt"])
            assert con.execute("SELECT count(*) FROM dim_report WHERE sha256 = ?", [secret_sha]).fetchone() == (0,)
            assert con.execute("SELECT count(*) FROM quarantine WHERE sha256 = ?", [secret_sha]).fetchone() == (0,)
            (message,) = con.execute("SELECT message FROM etl_run WHERE run_key = ?", [result.run_key]).fetchone()
            assert "link.txt: a symbolic link" in message and "SECRET" not in message
        finally:
            con.close()
    assert not any(p.read_bytes() == secret.read_bytes() for p in (wh.parent / "raw").rglob("*") if p.is_file())


def test_ingest_with_markup_in_a_rejected_file_loads_and_publishes_the_rest(prefect_harness, tmp_path):
    from prefect.settings import PREFECT_API_URL

    folder = tmp_path / "in"
    report = folder / REFERENCE.name
    write(report, REFERENCE.read_text(encoding="utf-8"))
    write(folder / "sources.yaml", (SAMPLES / "sources.yaml").read_text(encoding="utf-8"))
    bad = write(folder / "[red]notice[bold].txt", "[/x] [bold]关于做好2020年工作的通知[/bold]\n请认真落实。\n")
    wh = tmp_path / "data" / "warehouse.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "ingest", str(report), str(bad), "--warehouse", str(wh)],
        cwd=ROOT, env=chaos.child_env(str(PREFECT_API_URL.value())), capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "MarkupError" not in proc.stderr + proc.stdout
    out, err = " ".join(proc.stdout.split()), " ".join(proc.stderr.split())
    assert "published:" in out and "[red]notice" in out  # the table (the name may fold in its cell)
    assert "rejected [red]notice[bold].txt: not a task table" in err and "'[/x] [bold]关于做好2020年工作的通知[/bold]'" in err
    published = wh.parent / "published" / wh.name
    con = duckdb.connect(str(published), read_only=True)
    try:
        assert con.execute("SELECT file_name, task_count FROM dim_report").fetchall() == [(REFERENCE.name, 130)]
    finally:
        con.close()
