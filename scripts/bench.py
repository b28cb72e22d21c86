"""Benchmark of the pipeline on a synthetic corpus (scripts/gen_corpus.py); `make bench` runs it.

Environment: BENCH_N (reports, default 1000), BENCH_BATCH (reports per batch, default 100),
BENCH_DIR (work folder, default data/bench), BENCH_SPEEDUP_N (reports for the 1 → 2 Dask workers
comparison, default min(N, 1000); 0 skips it), BENCH_PARSE_N (reports timed for parsing, default
min(N, 1000)), BENCH_BASE (a git commit to compare parsing with, default 5de01aa: the readers
before real county pages were read; empty skips it).

Phases, each timed on its own:
  parse     read + normalize (transforms.pipeline.prepare_report), one process, files from disk
  base      the same timings (reference report, 200 corpus files) for this tree and for BENCH_BASE
            (unpacked with git archive), each in a fresh process, alternating, best of two: the
            ratios *_vs_base say how much slower or faster parsing got
  formats   the same for every other format transforms.readers.read_report supports at run time
  library   read + normalize + validate + load without Prefect (batches, warehouse.loader.load_reports),
            in a process of its own (its peak memory: peak_rss_library_mb)
  flow      the Prefect flow `inbox` (what the deployments run: parse, load, link tasks, quality,
            publish) over the corpus folder (server already started), in a process of its own
            with the no-op phase (peak memory: peak_rss_flow_mb)
  noop      the same flow again: everything is already in the warehouse
  views     every view in the warehouse plus the summary queries, 20 runs each, every row of
            SELECT * streamed as Arrow record batches
peak_rss_mb is the largest of the three processes' peaks (benchmark, library, flow).
  speedup   the flow with its parsing on a running Dask cluster of 1 and of 2 worker processes, on
            BENCH_SPEEDUP_N reports (the writer stays in the flow's process, so one worker already
            runs parsing beside loading); and parsing alone on the same clusters

The LAST line printed is `key=value` pairs (see docs/performance.md).
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

from scripts.benchkit import (  # noqa: E402
    bench_parse,
    bench_views,
    corpus_entries,
    ensure_corpus,
    import_parser,
    in_child,
    log,
    parse_files,
    run_flow,
)
from scripts.gen_corpus import FORMATS, REFERENCE, render, synthetic_report  # noqa: E402

# Times prepare_report in whatever tree is first on sys.path: the reference report (median of 30,
# quantities forgotten each run) and a list of corpus files; prints one JSON line.
PARSE_TIMER = """
import json, statistics, sys, time
from datetime import date
from pathlib import Path
from transforms.pipeline import prepare_report
from transforms.quantities import forget_quantities
ref = Path(sys.argv[1]).read_bytes()
prepare_report(ref, "ref.txt")
times = []
for _ in range(30):
    forget_quantities()
    t = time.perf_counter()
    prepare_report(ref, "ref.txt", as_of=date(2020, 11, 30), plan_year=2020)
    times.append(time.perf_counter() - t)
files = [Path(f) for f in sys.argv[2:]]
t = time.perf_counter()
for f in files:
    prepare_report(f.read_bytes(), f.name)
rate = len(files) / (time.perf_counter() - t) if files else 0.0
print(json.dumps({"reference_ms": statistics.median(times) * 1000, "reports_per_s": rate}))
"""


def _time_parse_in(tree: Path, files: list[Path]) -> dict[str, float]:
    import json
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", PARSE_TIMER, str(REFERENCE), *map(str, files)],
        cwd=tree, env=env, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_against_base(base: str, files: list[Path]) -> dict[str, float]:
    """Parse timings of this tree and of commit ``base``, measured alike in the same run."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="luoshi-base-") as tmp:
        subprocess.run(f"git -C '{ROOT}' archive '{base}' | tar -x -C '{tmp}'", shell=True, check=True)
        runs: dict[str, list[dict[str, float]]] = {"head": [], "base": []}
        for _ in range(2):
            runs["base"].append(_time_parse_in(Path(tmp), files))
            runs["head"].append(_time_parse_in(ROOT, files))
    best = {k: {"reference_ms": min(r["reference_ms"] for r in v), "reports_per_s": max(r["reports_per_s"] for r in v)} for k, v in runs.items()}
    return {
        "reference_parse_ms_head": round(best["head"]["reference_ms"], 2),
        "reference_parse_ms_base": round(best["base"]["reference_ms"], 2),
        "reference_parse_vs_base": round(best["head"]["reference_ms"] / best["base"]["reference_ms"], 2),
        "parse_reports_per_s_head": round(best["head"]["reports_per_s"], 1),
        "parse_reports_per_s_base": round(best["base"]["reports_per_s"], 1),
        "parse_rate_vs_base": round(best["head"]["reports_per_s"] / best["base"]["reports_per_s"], 2),
    }


def bench_reference_ms(remembered: bool = False) -> float:
    """Median ms of prepare_report on the reference report (30 runs). By default the quantities
    remembered from earlier texts are forgotten before each run (a report never seen before);
    `remembered=True` keeps them (the same texts again, as in a county's next monthly report)."""
    from datetime import date

    from transforms.pipeline import prepare_report
    from transforms.quantities import forget_quantities

    data = REFERENCE.read_bytes()
    prepare_report(data, REFERENCE.name)
    times = []
    for _ in range(30):
        if not remembered:
            forget_quantities()
        t = time.perf_counter()
        prepare_report(data, REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench_formats(n: int) -> dict[str, float]:
    """reports/s of read + normalize for every non-text format read_report supports now."""
    from transforms.pipeline import RejectedReport, prepare_report

    out: dict[str, float] = {}
    for fmt in FORMATS[1:]:
        first = synthetic_report(0)
        try:
            prepare_report(render(first, fmt), first.file_name(fmt), first.as_of, first.plan_year)
        except RejectedReport as exc:
            log(f"format {fmt}: not measured ({exc})")
            continue
        blobs = [(r, render(r, fmt)) for r in (synthetic_report(i) for i in range(n))]
        t = time.perf_counter()
        for r, data in blobs:
            prepare_report(data, r.file_name(fmt), r.as_of, r.plan_year)
        out[fmt] = n / (time.perf_counter() - t)
    return out


def bench_library(files: list[Path], warehouse: Path, batch: int) -> float:
    """read + normalize + validate + load, no Prefect; the manifest gives the metadata."""
    from transforms.pipeline import prepare_report, validate_reports
    from warehouse.db import connect
    from warehouse.loader import LoadRejected, ReportLoad, load_reports

    t = time.perf_counter()
    con = connect(warehouse)
    loaded = 0
    metas: dict[str, Any] = {}
    for start in range(0, len(files), batch):
        chunk = files[start : start + batch]
        d = chunk[0].parent
        if not any(f.name in metas for f in chunk):
            metas = corpus_entries(d)
        datas = [f.read_bytes() for f in chunk]
        ms = [metas[f.name] for f in chunk]
        pend = [
            prepare_report(b, f.name, as_of=m.as_of, plan_year=m.plan_year)
            for f, b, m in zip(chunk, datas, ms, strict=True)
        ]
        loads = [
            ReportLoad(
                county=m.county, province=m.province, prefecture=m.prefecture, plan_year=m.plan_year,
                as_of=m.as_of, period_type=m.period_type, title=m.title,
                sha256=hashlib.sha256(b).hexdigest(), file_name=f.name, records=p.records, findings=p.findings,
                format=p.format, parser_version="bench", source_uri=m.source_url, metadata_source="manifest",
            )
            for f, b, m, p in zip(chunk, datas, ms, validate_reports(pend), strict=True)
        ]
        results = load_reports(con, loads)
        loaded += sum(not isinstance(r, LoadRejected) and r.outcome == "loaded" for r in results)
    con.close()
    elapsed = time.perf_counter() - t
    assert loaded == len(files), f"library path loaded {loaded} of {len(files)}"
    return len(files) / elapsed


def run_flow_on_cluster(paths: list[str], warehouse: Path, batch: int, n_workers: int) -> tuple[float, Any, float]:
    """The flow with its parse batches on a running Dask cluster of `n_workers` single-threaded
    processes (as on a real cluster, the workers are started, and have imported the parser,
    before the run is timed; the warehouse writer stays in this process).

    Also times parsing alone on the same cluster (read + normalize + validate of the same files in
    batches, no Prefect, no writer): (flow seconds, flow result, parse-only seconds)."""
    import logging

    from distributed import Client, LocalCluster

    from flows.pipeline import api_url_for_workers

    with api_url_for_workers():  # the workers report task runs to this benchmark's Prefect server
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, silence_logs=logging.ERROR, dashboard_address=None
        )
    try:
        with Client(cluster) as client:
            client.run(import_parser)
            t = time.perf_counter()
            chunks = [paths[i : i + batch] for i in range(0, len(paths), batch)]
            parsed = sum(client.gather(client.map(parse_files, chunks, pure=False)))
            parse_s = time.perf_counter() - t
        assert parsed == len(paths), f"parsed {parsed} of {len(paths)} on the cluster"
        secs, result = run_flow(paths, warehouse, batch, workers=n_workers, dask_address=cluster.scheduler_address)
        return secs, result, parse_s
    finally:
        cluster.close()


def flow_phase(first: Path, corpus: Path, warmup_wh: Path, flow_wh: Path, batch: int, n: int) -> tuple[float, float]:
    """The inbox flow over the corpus, then again over everything already ingested (no-op):
    their seconds. A flow run over one report first starts the Prefect server (not timed)."""
    run_flow([str(first)], warmup_wh, batch)
    secs, result = run_flow([str(corpus)], flow_wh, batch)
    assert result.counts.reports_loaded == n, result.outcome
    noop_secs, result = run_flow([str(corpus)], flow_wh, batch)
    assert result.outcome == "noop" and result.counts.reports_skipped == n, result.outcome
    return secs, noop_secs


def main() -> int:
    n = int(os.environ.get("BENCH_N", "1000"))
    batch = int(os.environ.get("BENCH_BATCH", "100"))
    work = Path(os.environ.get("BENCH_DIR", str(ROOT / "data" / "bench")))
    speedup_n = int(os.environ.get("BENCH_SPEEDUP_N", str(min(n, 1000))))
    parse_n = int(os.environ.get("BENCH_PARSE_N", str(min(n, 1000))))
    corpus = work / f"corpus-{n}"
    files = ensure_corpus(corpus, n, batch)
    figures: dict[str, object] = {"n": n, "batch_size": batch}

    figures["reference_parse_ms"] = round(bench_reference_ms(), 2)
    figures["reference_parse_remembered_ms"] = round(bench_reference_ms(remembered=True), 2)
    figures["parse_reports_per_s"] = round(bench_parse(files[:parse_n]), 1)
    log(f"parse: {figures['parse_reports_per_s']} reports/s (reference report {figures['reference_parse_ms']} ms)")
    base = os.environ.get("BENCH_BASE", "5de01aa")
    if base:
        figures.update(bench_against_base(base, files[:200]))
        log(f"parse against {base}: reference {figures['reference_parse_ms_base']} → {figures['reference_parse_ms_head']} ms, "
            f"corpus {figures['parse_reports_per_s_base']} → {figures['parse_reports_per_s_head']} reports/s")
    for fmt, rate in bench_formats(min(n, 50)).items():
        figures[f"parse_reports_per_s_{fmt}"] = round(rate, 1)

    for name in ("library.duckdb", "flow.duckdb", "flow-1w.duckdb", "flow-2w.duckdb", "warmup.duckdb"):
        shutil.rmtree(work / name.replace(".duckdb", ""), ignore_errors=True)
    # the library path and the flow each run in a process of their own, as a deployment runs each
    # flow run in a new process: their peak memory is their own, not what earlier phases left behind
    lib_rate, lib_mb = in_child(bench_library, files, work / "library" / "warehouse.duckdb", batch)
    figures["library_reports_per_s"] = round(lib_rate, 1)
    log(f"library: {lib_rate:.1f} reports/s (peak RSS {lib_mb:.0f} MB)")

    flow_wh = work / "flow" / "warehouse.duckdb"
    (secs, noop_secs), flow_mb = in_child(flow_phase, files[0], corpus, work / "warmup" / "warehouse.duckdb", flow_wh, batch, n)
    figures["flow_reports_per_s"] = round(n / secs, 1)
    figures["flow_vs_library"] = round((n / secs) / lib_rate, 2)
    log(f"flow: {n / secs:.1f} reports/s ({secs:.1f}s, peak RSS {flow_mb:.0f} MB)")
    figures["noop_rerun_s"] = round(noop_secs, 2)
    log(f"no-op re-run: {noop_secs:.2f}s")

    views = bench_views(flow_wh)
    figures["view_p95_ms"] = round(max(views.values()), 1) if views else "n/a"
    figures["views_measured"] = len(views)
    figures["slowest_view"] = max(views, key=lambda k: views[k]) if views else "n/a"

    if speedup_n:
        sub = [str(f) for f in files[:speedup_n]]
        one, r1, parse_one = run_flow_on_cluster(sub, work / "flow-1w" / "warehouse.duckdb", batch, 1)
        two, r2, parse_two = run_flow_on_cluster(sub, work / "flow-2w" / "warehouse.duckdb", batch, 2)
        assert r1.counts.reports_loaded == r2.counts.reports_loaded == speedup_n
        figures["flow_1_worker_reports_per_s"] = round(speedup_n / one, 1)
        figures["flow_2_workers_reports_per_s"] = round(speedup_n / two, 1)
        figures["dask_speedup_1_to_2"] = round(one / two, 2)
        figures["dask_parse_1_worker_reports_per_s"] = round(speedup_n / parse_one, 1)
        figures["dask_parse_2_workers_reports_per_s"] = round(speedup_n / parse_two, 1)
        figures["dask_parse_speedup_1_to_2"] = round(parse_one / parse_two, 2)
        log(f"speed-up 1 → 2 Dask workers on {speedup_n} reports: flow {one:.1f}s → {two:.1f}s, parsing alone {parse_one:.1f}s → {parse_two:.1f}s")

    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["peak_rss_mb"] = round(max(self_mb, lib_mb, flow_mb), 1)
    figures["peak_rss_library_mb"] = round(lib_mb, 1)
    figures["peak_rss_flow_mb"] = round(flow_mb, 1)
    figures["peak_rss_bench_mb"] = round(self_mb, 1)
    figures["peak_rss_child_mb"] = round(child_mb, 1)
    figures["cpus"] = os.cpu_count()
    print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
