"""What the benchmarks share (scripts/bench.py, scripts/bench_growth.py): the synthetic corpus on
disk, the flow over it, parsing alone, the analyst views, and a phase in a process of its own."""

from __future__ import annotations

import math
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.gen_corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent

SUMMARY_QUERIES = ("summary_status", "summary_reports", "summary_tables", "summary_findings")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("synthetic-*") if p.is_file())


def corpus_size(corpus: Path) -> int:
    """How many reports the corpus folder holds complete (its `.complete-N` marker), 0 for none."""
    sizes = [int(m.name.removeprefix(".complete-")) for m in corpus.glob(".complete-*")]
    return max(sizes, default=0)


def ensure_corpus(corpus: Path, n: int, batch: int) -> list[Path]:
    """The first `n` reports of the synthetic corpus in `corpus`, generated a batch at a time (never
    the whole corpus in memory) and kept for the next run by a `.complete-N` marker; a smaller
    corpus is extended, reports 0.. stay the same bytes."""
    have = corpus_size(corpus)
    if have < n:
        if not have:
            shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        for start in range(have, n, batch):
            write_corpus(corpus, min(batch, n - start), ("text",), seed=0, start=start, per_dir=batch)
        for m in corpus.glob(".complete-*"):
            m.unlink()
        (corpus / f".complete-{n}").write_text("ok")
        log(f"generated reports {have}..{n - 1} of the synthetic corpus in {time.perf_counter() - t:.1f}s")
    files = corpus_files(corpus)[:n]
    assert len(files) == n, f"{corpus} holds {len(files)} reports, expected {n}"
    return files


def corpus_entries(folder: Path) -> dict[str, Any]:
    """The manifest entries of a corpus folder by file name (sources/manifest.py, the loader the flows use)."""
    from sources.manifest import load_manifest

    manifest = load_manifest(folder / "sources.yaml")
    if manifest.error:
        raise SystemExit(manifest.error)
    return {e.file: e for e in manifest.entries if e.file}


def bench_parse(files: list[Path]) -> float:
    from transforms.pipeline import prepare_report

    metas: dict[str, Any] = {}
    for d in {f.parent for f in files}:
        metas.update(corpus_entries(d))

    prepare_report(files[0].read_bytes(), files[0].name)  # warm up caches and imports
    t = time.perf_counter()
    for f in files:
        e = metas[f.name]
        prepare_report(f.read_bytes(), f.name, as_of=e.as_of, plan_year=e.plan_year)
    return len(files) / (time.perf_counter() - t)



def run_flow(
    paths: list[str], warehouse: Path, batch: int, workers: int = 1, dask_address: str | None = None
) -> tuple[float, Any]:
    """The inbox flow (what the deployments run: parse, load, link, quality, publish) over the
    files: a folder is the inbox itself, a list of files is linked into a fresh inbox folder."""
    from flows.inbox import inbox

    if len(paths) == 1 and Path(paths[0]).is_dir():
        inbox_dir = Path(paths[0])
    else:
        inbox_dir = link_inbox([Path(p) for p in paths], warehouse.parent / "inbox")
    t = time.perf_counter()
    result = inbox(
        inbox_dir=str(inbox_dir), warehouse=str(warehouse), publish_to=str(warehouse.parent / "published.duckdb"),
        batch_size=batch, workers=workers, dask_address=dask_address, move_files=False,
    )
    return time.perf_counter() - t, result



def parse_files(paths: list[str]) -> int:
    """Parse a batch of corpus files on a Dask worker (metadata from their manifest); how many parsed."""
    from transforms.pipeline import prepare_report, validate_reports

    metas = corpus_entries(Path(paths[0]).parent)
    pend = []
    for p in paths:
        e = metas[Path(p).name]
        pend.append(prepare_report(Path(p).read_bytes(), Path(p).name, as_of=e.as_of, plan_year=e.plan_year))
    return sum(bool(r.records) for r in validate_reports(pend))


def import_parser() -> bool:
    import flows.pipeline  # noqa: F401
    from schemas.quality import quality_config

    quality_config()
    return True


def bench_views(warehouse: Path, runs: int = 20) -> dict[str, float]:
    """p95 ms (nearest rank over `runs` runs) of reading every row of every view, and of the
    summary queries, as Arrow record batches on a read-only connection. The rows are streamed and
    dropped, not kept: the figure is the time to produce them, and the benchmark's memory stays
    the pipeline's (holding `v_target_actual` whole at N = 10,000 takes about 0.5 GB by itself)."""
    import duckdb

    from warehouse.db import duckdb_config, sql

    con = duckdb.connect(str(warehouse), read_only=True, config=duckdb_config())
    views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1").fetchall()]
    queries = {f"view:{v}": f'SELECT * FROM "{v}"' for v in views}
    queries |= {f"query:{q}": sql(q).strip().rstrip(";") for q in SUMMARY_QUERIES}
    out: dict[str, float] = {}
    for name, q in queries.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            for _batch in con.sql(q).to_arrow_reader(100_000):
                pass
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out[name] = times[math.ceil(0.95 * len(times)) - 1]
        log(f"{name}: p95 {out[name]:.0f} ms, median {statistics.median(times):.0f} ms ({runs} runs)")
    con.close()
    return out



def _measured(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    return fn(*args), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """fn(*args) in a new (spawned) process: (its result, that process's peak RSS in MB)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measured, fn, *args).result()




def link_inbox(files: list[Path], inbox_dir: Path) -> Path:
    """A fresh inbox folder holding exactly `files` (hard links, with their folders' manifests)."""
    shutil.rmtree(inbox_dir, ignore_errors=True)
    for p in files:
        (inbox_dir / p.parent.name).mkdir(parents=True, exist_ok=True)
        os.link(p, inbox_dir / p.parent.name / p.name)
        manifest = inbox_dir / p.parent.name / "sources.yaml"
        if not manifest.exists():
            os.link(p.parent / "sources.yaml", manifest)
    return inbox_dir


# ------------------------------------------------------------------------------ fits


def fit_power(ns: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares of log y = log a + b·log n over the points: (b, a), y ≈ a·n^b. b is the
    exponent: 1 is linear, 0 flat. At least two distinct n and every y > 0."""
    if len(ns) != len(ys) or len(set(ns)) < 2 or min(ys) <= 0 or min(ns) <= 0:
        raise ValueError("a power fit needs two or more distinct n > 0 and every y > 0")
    xs, ls = [math.log(n) for n in ns], [math.log(y) for y in ys]
    mx, my = statistics.fmean(xs), statistics.fmean(ls)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ls, strict=True)) / sum((x - mx) ** 2 for x in xs)
    return b, math.exp(my - b * mx)


def project(ns: list[float], ys: list[float], n: float) -> float:
    """y at `n` on the power law fitted to the points (fit_power)."""
    b, a = fit_power(ns, ys)
    return a * n**b


# ------------------------------------------------------------------------------ servers as processes


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_process(args: list[str], log_file: Path) -> Any:
    """A command in a process group of its own (stopped with stop_process, children included)."""
    import subprocess

    log_file.parent.mkdir(parents=True, exist_ok=True)
    # a Dask worker unpickles the benchmark's own functions (scripts.benchkit): the tree on its path
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    with open(log_file, "ab") as out:
        return subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": path}
        )


def stop_process(proc: Any, timeout: float = 15.0) -> None:
    """SIGTERM to the process's group, SIGKILL when it has not stopped within `timeout`."""
    import signal
    import subprocess

    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def wait_for_http(url: str, timeout: float, proc: Any) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} stopped (exit {proc.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own server on 127.0.0.1)
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")
