"""How cost grows with the number of reports; `make bench-growth` runs it (docs/performance.md,
"How cost grows").

Environment: GROWTH_NS (reports per point, default 1000,3000,10000,30000), GROWTH_DIR (work folder,
default data/bench-growth), GROWTH_BATCH (reports per batch, default 100), GROWTH_PARSE_N (reports
timed for parsing alone, default min(N, 1000)), GROWTH_VIEW_RUNS (runs of each view, default 20),
GROWTH_DASK_N (reports for the Dask cluster comparison, default 3000; 0 skips it), GROWTH_SVG (the
chart, default docs/performance-growth.svg), GROWTH_RESUME (1: keep the figures of every N, and of
the Dask comparison, already written to GROWTH_DIR/n-N.json or dask-N.json by an earlier run).

One synthetic corpus (scripts/gen_corpus.py) in GROWTH_DIR/corpus, generated a batch at a time and
kept (a larger N extends it). A Prefect server runs for the whole benchmark, as a deployment's
flow runs find one. For each N, each phase runs in a spawned process of its own, as a deployment
runs each flow run in a new process, and its peak RSS is that process's own:
  flow    the inbox flow over the first N reports, into a fresh warehouse; the seconds of every step
          (RunResult.load, RunResult.steps) and the peak RSS sampled per step
  noop    the same flow again in a second process: everything is already in the warehouse
  views   p95 of reading every row of every view and summary query (benchkit.bench_views)
  parse   read + normalize + validate alone, no warehouse (benchkit.bench_parse)
Then power-law fits (log-log least squares) of total flow time and peak RSS against N, and a
projection to 350,000 reports. With GROWTH_DASK_N, a real Dask cluster (`dask scheduler` and
`dask worker` processes on 127.0.0.1) parses for the flow (`dask_address`, through prefect-dask):
the flow and parsing alone with 1 and 2 workers against one process.

Writes GROWTH_DIR/growth.json and the chart; prints a table; the LAST line is key=value pairs.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from scripts.benchkit import (  # noqa: E402
    bench_parse,
    bench_views,
    ensure_corpus,
    fit_power,
    free_port,
    import_parser,
    in_child,
    link_inbox,
    log,
    parse_files,
    project,
    run_flow,
    start_process,
    stop_process,
    wait_for_http,
)

TARGET_N = 350_000
RSS_LIMIT_MB = 1024.0
WRITER_STEPS = ("load", "link", "check", "report", "publish")  # in the one process holding the writer


class PhaseRss:
    """Samples this process's RSS every `interval` s and keeps the peak per phase (the step running)."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self.phase = "other"
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            mb = self._proc.memory_info().rss / 2**20
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), mb)
            self._stop.wait(interval)

    @contextmanager
    def sampling(self) -> Iterator[PhaseRss]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()

    def label_pipeline(self) -> None:
        """Name the phase after the pipeline function running (flows/pipeline.py's own names)."""
        import flows.pipeline as fp

        phases = {
            "archive_sources": "archive",
            "parse_and_load": "parse+load",
            "find_pending": "pending",
            "link_step": "link",
            "run_warehouse_checks": "check:sql",
            "run_expectations": "check:gx",
            "record_findings": "check:record",
            "render": "report",
            "publish_task": "publish",
        }
        for name, label in phases.items():
            setattr(fp, name, self._labelled(getattr(fp, name), label))

    def _labelled(self, fn: Any, label: str) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            before, self.phase = self.phase, label
            try:
                return fn(*args, **kwargs)
            finally:
                self.phase = before

        return run


def warehouse_bytes(warehouse: Path) -> int:
    """The warehouse on disk: the .duckdb file and its write-ahead log."""
    return sum(p.stat().st_size for p in (warehouse, Path(f"{warehouse}.wal")) if p.exists())


def flow_phase(inbox: Path, warehouse: Path, batch: int, n: int, workers: int = 1, dask_address: str | None = None) -> dict[str, Any]:
    """The flow over the inbox into a fresh warehouse: seconds, per-step seconds, peak RSS per step
    (per pipeline function running; the whole run on a Dask cluster)."""
    import flows.inbox  # noqa: F401  (imports are not the run's cost)

    shutil.rmtree(warehouse.parent / "raw", ignore_errors=True)
    for p in (warehouse, Path(f"{warehouse}.wal")):
        p.unlink(missing_ok=True)
    rss = PhaseRss()
    if not dask_address:  # the parse tasks travel to the Dask workers pickled by value: flows.pipeline stays as it is
        rss.label_pipeline()
    with rss.sampling():
        secs, result = run_flow([str(inbox)], warehouse, batch, workers=workers, dask_address=dask_address)
    assert result.counts.reports_loaded == n, f"{result.outcome}: loaded {result.counts.reports_loaded} of {n}"
    steps = {s.step: s.seconds for s in [result.load, *result.steps] if s is not None}
    return {
        "seconds": secs,
        "steps": steps,
        "rows": result.load.counts["rows"] if result.load else 0,
        "rss_by_phase": {k: round(v, 1) for k, v in rss.peaks.items()},
        "warehouse_bytes": warehouse_bytes(warehouse),
    }


def noop_phase(inbox: Path, warehouse: Path, batch: int, n: int) -> float:
    import flows.inbox  # noqa: F401

    secs, result = run_flow([str(inbox)], warehouse, batch)
    assert result.outcome == "noop" and result.counts.reports_skipped == n, result.outcome
    return secs


# ------------------------------------------------------------------------------ processes


@contextmanager
def prefect_server(work: Path) -> Iterator[str]:
    """`prefect server start` on a free port for the whole benchmark; its API URL."""
    port = free_port()
    proc = start_process(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        work / "logs" / "prefect-server.log",
    )
    try:
        url = f"http://127.0.0.1:{port}/api"
        wait_for_http(f"{url}/health", 120, proc)
        yield url
    finally:
        stop_process(proc)


class DaskCluster:
    """`dask scheduler` and `dask worker` processes on 127.0.0.1, each in a process group of its own."""

    def __init__(self, work: Path) -> None:
        self.logs = work / "logs"
        self.dask = str(Path(sys.executable).parent / "dask")
        self.procs: list[Any] = []
        self.address = ""

    def __enter__(self) -> DaskCluster:
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self.procs.append(
            start_process(
                [self.dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                self.logs / "dask-scheduler.log",
            )
        )
        return self

    def add_worker(self) -> int:
        """One more single-threaded worker process; waits until every worker is connected. How many."""
        from distributed import Client

        n = len(self.procs)  # the scheduler is procs[0]
        self.procs.append(
            start_process(
                [self.dask, "worker", self.address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
                self.logs / f"dask-worker-{n}.log",
            )
        )
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(n, timeout=120)
            client.run(import_parser)  # a worker of a real cluster has imported the parser already
        return n

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.procs):
            stop_process(proc)


def parse_on_cluster(address: str, files: list[Path], batch: int) -> float:
    """Seconds to parse the files in batches on the cluster (no Prefect, no writer)."""
    from distributed import Client

    chunks = [[str(f) for f in files[i : i + batch]] for i in range(0, len(files), batch)]
    with Client(address, timeout=60) as client:
        t = time.perf_counter()
        parsed = sum(client.gather(client.map(parse_files, chunks, pure=False)))
        secs = time.perf_counter() - t
    assert parsed == len(files), f"parsed {parsed} of {len(files)} on the cluster"
    return secs


# ------------------------------------------------------------------------------ one N


def measure(n: int, files: list[Path], work: Path, batch: int, parse_n: int, view_runs: int) -> dict[str, Any]:
    d = work / f"n-{n}"
    shutil.rmtree(d, ignore_errors=True)
    inbox = link_inbox(files, d / "inbox")
    wh = d / "warehouse.duckdb"
    flow, flow_mb = in_child(flow_phase, inbox, wh, batch, n)
    log(f"N={n}: flow {flow['seconds']:.1f}s, steps {flow['steps']}, peak RSS {flow_mb:.0f} MB, by phase {flow['rss_by_phase']}")
    noop_s, noop_mb = in_child(noop_phase, inbox, wh, batch, n)
    views, views_mb = in_child(bench_views, wh, view_runs)
    rate, parse_mb = in_child(bench_parse, files[: min(n, parse_n)])
    steps = flow["steps"]
    writer_s = sum(steps.get(s, 0.0) for s in WRITER_STEPS)
    row = {
        "n": n,
        "flow_s": round(flow["seconds"], 2),
        "flow_s_per_report": round(flow["seconds"] / n, 4),
        "load_rows": flow["rows"],
        "load_rows_per_s": round(flow["rows"] / steps["load"], 1) if steps.get("load") else 0.0,
        "step_s": {k: round(v, 2) for k, v in steps.items()},
        "writer_s": round(writer_s, 2),
        "writer_share": round(writer_s / flow["seconds"], 3),
        "noop_s": round(noop_s, 2),
        "view_p95_ms": round(max(views.values()), 1),
        "slowest_view": max(views, key=lambda k: views[k]),
        "warehouse_mb": round(flow["warehouse_bytes"] / 2**20, 1),
        "parse_reports_per_s": round(rate, 1),
        "rss_mb": {"flow": round(flow_mb, 1), "noop": round(noop_mb, 1), "views": round(views_mb, 1), "parse": round(parse_mb, 1)},
        "flow_rss_by_phase_mb": flow["rss_by_phase"],
    }
    shutil.rmtree(d / "raw", ignore_errors=True)  # the archived copies of the corpus: not part of the figures
    return row


def dask_comparison(n: int, files: list[Path], work: Path, batch: int, no_cluster_s: float | None) -> dict[str, Any]:
    """The flow and parsing alone in one process, and on a real cluster of 1 and of 2 workers."""
    d = work / f"dask-{n}"
    shutil.rmtree(d, ignore_errors=True)
    inbox = link_inbox(files, d / "inbox")
    if no_cluster_s is None:
        no_cluster_s = in_child(flow_phase, inbox, d / "local" / "warehouse.duckdb", batch, n)[0]["seconds"]
    one_rate, _ = in_child(bench_parse, files)
    out: dict[str, Any] = {"n": n, "flow_s": {"none": round(no_cluster_s, 2)}, "parse_s": {"one_process": round(n / one_rate, 2)}}
    with DaskCluster(work) as cluster:
        for _ in (1, 2):
            k = cluster.add_worker()
            parse_s = parse_on_cluster(cluster.address, files, batch)
            flow, _mb = in_child(flow_phase, inbox, d / f"{k}w" / "warehouse.duckdb", batch, n, k, cluster.address)
            out["flow_s"][f"{k}w"] = round(flow["seconds"], 2)
            out["parse_s"][f"{k}w"] = round(parse_s, 2)
            log(f"Dask cluster, {k} worker(s), {n} reports: flow {flow['seconds']:.1f}s, parsing alone {parse_s:.1f}s")
    f, p = out["flow_s"], out["parse_s"]
    out["speedup"] = {
        "flow_1w": round(f["none"] / f["1w"], 2),
        "flow_2w": round(f["none"] / f["2w"], 2),
        "parse_1w": round(p["one_process"] / p["1w"], 2),
        "parse_2w": round(p["one_process"] / p["2w"], 2),
        "parse_1w_to_2w": round(p["1w"] / p["2w"], 2),
    }
    shutil.rmtree(d, ignore_errors=True)
    return out


def kept(path: Path, resume: bool, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures of one N (or of the Dask comparison), written to `path` as soon as they are
    measured; with GROWTH_RESUME the figures already there are used instead of measuring again (a
    benchmark stopped half-way, or a point measured on its own, is finished by the next run)."""
    if resume and path.exists():
        log(f"{path.name}: figures kept from an earlier run (GROWTH_RESUME)")
        return dict(json.loads(path.read_text(encoding="utf-8")))
    figures = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return figures


# ------------------------------------------------------------------------------ fits and output


def fits(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Exponents of total flow time and peak RSS against N, and the projection to TARGET_N."""
    if len(rows) < 2:
        return {}
    ns = [float(r["n"]) for r in rows]
    secs = [r["flow_s"] for r in rows]
    flow_rss = [r["rss_mb"]["flow"] for r in rows]
    peak_rss = [max(r["rss_mb"].values()) for r in rows]
    size = [r["warehouse_mb"] for r in rows]
    return {
        "time_exponent": round(fit_power(ns, secs)[0], 3),
        "rss_exponent": round(fit_power(ns, peak_rss)[0], 3),
        "flow_rss_exponent": round(fit_power(ns, flow_rss)[0], 3),
        "warehouse_exponent": round(fit_power(ns, size)[0], 3),
        "projected_n": TARGET_N,
        "projected_flow_h": round(project(ns, secs, TARGET_N) / 3600, 2),
        "projected_warehouse_gb": round(project(ns, size, TARGET_N) / 1024, 2),
        "projected_peak_rss_mb": round(project(ns, peak_rss, TARGET_N), 0),
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = ("N", "flow s", "s/report", "load rows/s", "writer", "no-op s", "view p95 ms", "wh MB", "parse r/s", "RSS flow/noop/views/parse MB")
    lines = [" | ".join(head)]
    for r in rows:
        m = r["rss_mb"]
        lines.append(
            " | ".join(
                str(x)
                for x in (
                    r["n"], r["flow_s"], r["flow_s_per_report"], r["load_rows_per_s"], f"{r['writer_share']:.0%}",
                    r["noop_s"], r["view_p95_ms"], r["warehouse_mb"], r["parse_reports_per_s"],
                    f"{m['flow']:.0f}/{m['noop']:.0f}/{m['views']:.0f}/{m['parse']:.0f}",
                )
            )
        )
    return "\n".join(lines)


def main() -> int:
    from render.growth_chart import GrowthPoint, growth_chart_svg

    ns = sorted({int(x) for x in os.environ.get("GROWTH_NS", "1000,3000,10000,30000").split(",") if x.strip()})
    work = Path(os.environ.get("GROWTH_DIR", str(ROOT / "data" / "bench-growth")))
    batch = int(os.environ.get("GROWTH_BATCH", "100"))
    parse_n = int(os.environ.get("GROWTH_PARSE_N", "1000"))
    view_runs = int(os.environ.get("GROWTH_VIEW_RUNS", "20"))
    dask_n = int(os.environ.get("GROWTH_DASK_N", "3000"))
    svg_path = Path(os.environ.get("GROWTH_SVG", str(ROOT / "docs" / "performance-growth.svg")))
    resume = os.environ.get("GROWTH_RESUME", "") not in ("", "0")
    corpus = work / "corpus"
    rows: list[dict[str, Any]] = []
    dask: dict[str, Any] = {}
    with prefect_server(work) as api_url:
        os.environ["PREFECT_API_URL"] = api_url  # the spawned phases and the Dask workers report here
        for n in ns:
            rows.append(
                kept(work / f"n-{n}.json", resume, lambda n=n: measure(n, ensure_corpus(corpus, n, batch), work, batch, parse_n, view_runs))
            )
        if dask_n:
            same = next((r["flow_s"] for r in rows if r["n"] == dask_n), None)
            dask = kept(
                work / f"dask-{dask_n}.json", resume, lambda: dask_comparison(dask_n, ensure_corpus(corpus, dask_n, batch), work, batch, same)
            )

    fit = fits(rows)
    out = {"rows": rows, "fit": fit, "dask": dask, "batch_size": batch, "cpus": os.cpu_count()}
    (work / "growth.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    points = [GrowthPoint(r["n"], r["flow_s_per_report"], max(r["rss_mb"].values())) for r in rows]
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text(growth_chart_svg(points, RSS_LIMIT_MB) + "\n", encoding="utf-8")

    print(table(rows), flush=True)
    if dask:
        print(f"Dask cluster at N={dask['n']}: flow s {dask['flow_s']}, parsing alone s {dask['parse_s']}, speed-ups {dask['speedup']}")
    last = rows[-1]
    figures: dict[str, Any] = {
        "ns": ",".join(str(r["n"]) for r in rows),
        **{f"s_per_report_{r['n']}": r["flow_s_per_report"] for r in rows},
        **{f"writer_share_{r['n']}": r["writer_share"] for r in rows},
        **{f"peak_rss_mb_{r['n']}": max(r["rss_mb"].values()) for r in rows},
        "load_rows_per_s": last["load_rows_per_s"],
        "noop_s": last["noop_s"],
        "view_p95_ms": last["view_p95_ms"],
        "warehouse_mb": last["warehouse_mb"],
        **fit,
        **({f"dask_{k}_speedup": v for k, v in dask["speedup"].items()} if dask else {}),
        "peak_rss_bench_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
