"""End to end with the real components: a Prefect server on 127.0.0.1, the repository's own
prefect.yaml deployed to a `process` pool, and `prefect worker start --run-once` running the
`inbox/monthly` deployment (parameters overridden to a temporary inbox and warehouse).

Every process the tests start is stopped by its PID.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.helpers import REFERENCE, ROOT

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
PREFECT = str(BIN / "prefect")
POOL = "luoshi"  # the pool named in prefect.yaml
REFERENCE_ENTRY = """reports:
  - file: {name}
    county: 吉水县
    province: 江西省
    prefecture: 吉安市
    plan_year: 2020
    as_of: {as_of}
    period_type: {period}
    title: 吉水县2020年《政府工作报告》任务分解落实情况
    source_url: http://www.jishui.gov.cn/news-show-129764.html
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """Stop a process we started, by its PID: SIGINT (twice for a worker), then SIGKILL; then any
    process left in the session it leads (it was started with start_new_session=True)."""
    for sig in (signal.SIGINT, signal.SIGINT, signal.SIGTERM):
        if proc.poll() is not None:
            break
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace / 3)
        except subprocess.TimeoutExpired:
            continue
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # children of the server (uvicorn, services), if any remain
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class Server:
    api: str
    env: dict[str, str]
    home: Path
    procs: list[subprocess.Popen]

    def cli(self, *args: str, timeout: float = 180, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([PREFECT, *args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise AssertionError(f"prefect {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def start(self, *args: str, log: str) -> subprocess.Popen:
        fh = open(self.home / log, "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen([PREFECT, *args], cwd=ROOT, env=self.env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def get(self, path: str) -> dict:
        r = httpx.get(f"{self.api}{path}", timeout=30)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict) -> list | dict:
        r = httpx.post(f"{self.api}{path}", json=body, timeout=30)
        r.raise_for_status()
        return r.json()

    def run_monthly(self, **params: str) -> tuple[str, dict]:
        """Trigger inbox/monthly with parameters, run one worker poll, return the run id and run."""
        args = ["deployment", "run", "inbox/monthly"]
        for k, v in params.items():
            args += ["--param", f"{k}={v}"]
        out = self.cli(*args).stdout
        run_id = re.search(r"UUID:\s*([0-9a-f-]{36})", out)
        assert run_id, out
        worker = self.start("worker", "start", "--pool", POOL, "--run-once", log=f"worker-{run_id.group(1)}.log")
        try:
            worker.wait(timeout=300)
        finally:
            stop(worker)
        run = self.get(f"/flow_runs/{run_id.group(1)}")
        return run_id.group(1), run

    def run_and_subflows(self, run_id: str) -> list[str]:
        """A flow run's id and those of the flow runs it started."""
        runs = [run_id]
        while True:
            children = [r["id"] for r in self.post("/flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": runs}}})]
            new = [c for c in children if c not in runs]
            if not new:
                return runs
            runs += new

    def task_run_names(self, run_id: str) -> set[str]:
        """The names of the completed task runs of a flow run and of the flow runs it started."""
        tasks = self.post("/task_runs/filter", {"flow_runs": {"id": {"any_": self.run_and_subflows(run_id)}}})
        return {re.sub(r"-[0-9a-f]{3}$", "", t["name"]) for t in tasks if t["state_type"] == "COMPLETED"}

    def log(self, name: str) -> str:
        path = self.home / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """A Prefect server on a free port with its own PREFECT_HOME, the pool, and `deploy --all`."""
    started = time.monotonic()
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_LOGGING_LEVEL="WARNING",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    srv = Server(api=api, env=env, home=home, procs=[])
    proc = srv.start("server", "start", "--host", "127.0.0.1", "--port", str(port), log="server.log")
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"prefect server exited:\n{srv.log('server.log')}")
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"prefect server did not answer within 240 s:\n{srv.log('server.log')}")
            time.sleep(0.5)
        srv.cli("work-pool", "create", POOL, "--type", "process")
        srv.cli("--no-prompt", "deploy", "--all")
        print(f"server + pool + deploy: {time.monotonic() - started:.1f} s")
        yield srv
    finally:
        for p in reversed(srv.procs):
            stop(p)
        assert all(p.poll() is not None for p in srv.procs)


def make_inbox(root: Path, name: str = REFERENCE.name, as_of: str = "2020-11-30", period: str = "year_end",
               data: bytes | None = None) -> Path:
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    (inbox / name).write_bytes(data if data is not None else REFERENCE.read_bytes())
    (inbox / "sources.yaml").write_text(REFERENCE_ENTRY.format(name=name, as_of=as_of, period=period), encoding="utf-8")
    return inbox


def test_deployments_are_registered_from_prefect_yaml(server):
    deployments = {d["name"]: d for d in server.post("/deployments/filter", {})}
    assert set(deployments) >= {"yearly", "monthly"}
    for name, cron in (("yearly", "0 6 15 1 *"), ("monthly", "0 6 5 * *")):
        d = deployments[name]
        assert d["entrypoint"] == "flows/inbox.py:scheduled_inbox" and d["work_pool_name"] == POOL
        (sched,) = d["schedules"]
        assert sched["schedule"]["cron"] == cron and sched["schedule"]["timezone"] == "Asia/Shanghai"
        assert d["global_concurrency_limit"]["limit"] == 1
        assert d["parameters"]["inbox_dir"] == f"data/inbox/{name}"
    pool = server.get(f"/work_pools/{POOL}")
    assert pool["type"] == "process"


def test_monthly_deployment_ingests_a_new_report_from_the_inbox(server, tmp_path):
    t0 = time.monotonic()
    inbox = make_inbox(tmp_path)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    run_id, run = server.run_monthly(inbox_dir=str(inbox), warehouse=str(warehouse))
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{server.log(f'worker-{run_id}.log')}"
    print(f"trigger + worker run: {time.monotonic() - t0:.1f} s")

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rep = con.execute(
            "SELECT c.county_name, r.as_of_date::VARCHAR, r.period_type, r.task_count FROM dim_report r JOIN dim_county c USING (county_key)"
        ).fetchall()
        assert rep == [("吉水县", "2020-11-30", "year_end", 130)]
        assert con.execute("SELECT count(*) FROM dim_task").fetchone()[0] == 130
        runs = con.execute("SELECT flow_name, flow_run_id, outcome, reports_loaded, tasks_loaded FROM etl_run WHERE flow_name <> 'link_tasks'").fetchall()
        assert runs == [("inbox/monthly", run_id, "success", 1, 130)]
    finally:
        con.close()
    # analysts' copy
    pub = duckdb.connect(str(warehouse.parent / "published" / "warehouse.duckdb"), read_only=True)
    try:
        assert pub.execute("SELECT count(*) FROM dim_task").fetchone()[0] == 130
    finally:
        pub.close()
    # the run's outcome as a Prefect artifact
    arts = server.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run_id]}}})
    (art,) = [a for a in arts if a["key"] == "luoshi-inbox"]
    assert "inbox/monthly: success" in art["data"] and REFERENCE.name in art["data"]
    # what it loaded was checked: the warehouse checks and Great Expectations ran as tasks of the run
    assert {"warehouse-checks", "great-expectations"} <= server.task_run_names(run_id)
    arts = server.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": server.run_and_subflows(run_id)}}})
    (quality,) = [a for a in arts if a["key"] == "luoshi-quality-report"]
    assert "Ran: " in quality["data"] and "on 1 report(s)" in quality["data"]


class _Handler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


def test_monthly_deployment_ingests_a_report_by_url(server, tmp_path):
    served = tmp_path / "site"
    served.mkdir()
    shutil.copy(REFERENCE, served / "news-show-129764.txt")
    _Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        (inbox / "sources.yaml").write_text(
            REFERENCE_ENTRY.format(name="x", as_of="2020-11-30", period="year_end").replace("file: x", f"url: {base}/news-show-129764.txt")
            + f"  - url: {base}/gone.txt\n    county: 吉水县\n    plan_year: 2020\n    as_of: 2020-12-31\n    period_type: year_end\n",
            encoding="utf-8",
        )
        warehouse = tmp_path / "data" / "warehouse.duckdb"
        run_id, run = server.run_monthly(inbox_dir=str(inbox), warehouse=str(warehouse))
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{server.log(f'worker-{run_id}.log')}"
    # a partial run says so: its final state is named Partial and its task `rejected-files` failed
    assert run["state"]["name"] == "Partial", run["state"]
    tasks = server.post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run_id]}}})
    assert [t["state_type"] for t in tasks if t["name"].startswith("rejected-files")] == ["FAILED"]
    # the missing page was asked for once (a 404 is not retried), the report once
    assert sorted(_Handler.requests) == ["/gone.txt", "/news-show-129764.txt"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT source_uri, task_count FROM dim_report").fetchall() == [
            ("http://www.jishui.gov.cn/news-show-129764.html", 130)
        ]
        raw = Path(con.execute("SELECT raw_path FROM dim_report").fetchone()[0])
        assert raw.read_bytes() == REFERENCE.read_bytes()
        outcome, loaded, failed, message = con.execute(
            "SELECT outcome, reports_loaded, reports_failed, message FROM etl_run WHERE flow_name <> 'link_tasks'"
        ).fetchone()
        assert (outcome, loaded, failed) == ("partial", 1, 1) and "gone.txt" in message and "404" in message
    finally:
        con.close()


READER = r"""
import json, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, read_only=True)
seen, queries = set(), 0
print("ready", flush=True)
import os
while not os.path.exists(stop):
    n = con.execute("SELECT count(*) FROM dim_report").fetchone()[0]
    t = con.execute("SELECT count(*) FROM fct_task_progress p JOIN dim_report r USING (report_key)").fetchone()[0]
    seen.add((n, t)); queries += 1
    time.sleep(0.05)
con.close()
print(json.dumps({"seen": sorted(seen), "queries": queries}), flush=True)
"""


def test_a_reader_holding_the_published_copy_does_not_block_ingestion(server, tmp_path):
    from tests.helpers import make_load
    from warehouse.db import connect
    from warehouse.loader import load_reports
    from warehouse.publish import publish_warehouse

    warehouse = tmp_path / "data" / "warehouse.duckdb"
    con = connect(warehouse)
    load_reports(con, [make_load(REFERENCE.read_bytes())])
    con.close()
    published = Path(publish_warehouse(warehouse).path)
    # a mid-year progress report (synthetic: the reference bytes plus a trailing line, dated June)
    data = REFERENCE.read_bytes() + b"\n"
    inbox = make_inbox(tmp_path, name="jishui-2020-progress-synthetic-midyear.txt", as_of="2020-06-30", period="monthly", data=data)

    stop_file = tmp_path / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop_file)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert reader.stdout.readline().strip() == "ready", reader.stderr.read()
        run_id, run = server.run_monthly(inbox_dir=str(inbox), warehouse=str(warehouse))
        stop_file.touch()
        out, errs = reader.communicate(timeout=60)
    finally:
        stop(reader)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{server.log(f'worker-{run_id}.log')}"
    assert reader.returncode == 0, errs
    report = json.loads(out.strip().splitlines()[-1])
    # the reader kept its snapshot for the whole ingestion: one report, never a half load
    assert report["seen"] == [[1, 130]] and report["queries"] > 10
    con = duckdb.connect(str(published), read_only=True)  # a new reader sees the new state
    try:
        assert con.execute("SELECT count(*) FROM dim_report").fetchone()[0] == 2
        assert con.execute("SELECT outcome FROM etl_run WHERE flow_name <> 'link_tasks'").fetchall() == [("success",)]
    finally:
        con.close()
