"""How well `luoshi extract` reads the real pages in tests/fixtures/realpages/ (make fidelity).

    python scripts/fidelity.py [--pages DIR] [--verbose]

DIR holds NNN.txt (a page as a crawler saved it) and labels.yaml (our labels of every page, see
its header). Every page is extracted in this process through the real CLI command (`luoshi
extract PAGE --jsonl`); one line per page, then, last, one line of key=value figures:

  pages_row_recall     complete labelled rows found (a record's project + task + target text holds
                       the row's task or target prefix; each record answers one row)
  pages_row_precision  records that match a labelled row (records matching a cut row are ignored)
  units_ok             matched rows whose labelled units are all among the record's units
  leaders_ok           matched rows whose leaders equal the labelled leaders
  progress_ok          matched rows whose progress text holds the first 10 labelled characters
  status_ok            matched rows with a labelled status other than unknown that got it
  meta_ok              pages whose report place / plan year / as-of month agree with the labels
  nontable_refused     pages that are not task tables and were refused (or gave no record)
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ROOT / "tests" / "fixtures" / "realpages"


def norm(s: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(s or "")).split())


def extract(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """(exit code, records) of `luoshi extract PATH --jsonl`, run in this process."""
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["extract", str(path), "--jsonl"])
    records = []
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return result.exit_code, records


def _progress(rec: dict[str, Any]) -> str:
    return "".join(norm(p.get("text")) for p in rec.get("progress") or [])


def _units(rec: dict[str, Any]) -> set[str]:
    return {norm(u) for f in ("units", "lead_units", "co_units") for u in rec.get(f) or []}


def _meta_ok(want: dict[str, Any], recs: list[dict[str, Any]]) -> bool:
    rep = next((r["report"] for r in recs if isinstance(r.get("report"), dict)), None)
    if rep is None:
        return False
    place = norm(rep.get("place"))
    ok = True
    if want.get("place"):
        ok &= bool(place) and (norm(want["place"]) in place or place in norm(want["place"]))
    if want.get("plan_year"):
        ok &= str(rep.get("plan_year")) == str(want["plan_year"])
    if want.get("as_of"):
        ok &= str(rep.get("as_of") or "")[:7] == str(want["as_of"])[:7]
    return ok


class Tally:
    def __init__(self) -> None:
        self.n: dict[str, int] = {}

    def add(self, key: str, good: bool) -> None:
        self.n[f"{key}_n"] = self.n.get(f"{key}_n", 0) + 1
        self.n[f"{key}_ok"] = self.n.get(f"{key}_ok", 0) + int(good)

    def frac(self, key: str) -> str:
        return f"{self.n.get(f'{key}_ok', 0)}/{self.n.get(f'{key}_n', 0)}"


def score_page(name: str, label: dict[str, Any], code: int, recs: list[dict[str, Any]], t: Tally, verbose: bool) -> str:
    if not label.get("table", True):
        ok = code != 0 or not recs
        t.add("nontable", ok)
        return f"{name}: not a task table -> {'refused' if ok else f'ACCEPTED {len(recs)} rows'}"
    rows = label["rows"]
    cand = [norm(r.get("project")) + norm(r.get("task_text")) + norm(r.get("target_text")) for r in recs]
    used: set[int] = set()
    hit = 0
    for g in (g for g in rows if not g.get("cut")):
        prefixes = [p for p in (norm(g.get("task")), norm(g.get("target"))) if len(p) >= 3]
        j = next((i for i, c in enumerate(cand) if i not in used and any(p in c for p in prefixes)), None)
        t.add("rows", j is not None)
        if j is None:
            if verbose:
                print(f"   miss {name} seq={g.get('seq')} {prefixes[:1]}")
            continue
        used.add(j)
        hit += 1
        rec = recs[j]
        if g.get("units"):
            good = {norm(u) for u in g["units"]} <= _units(rec)
            t.add("units", good)
            if verbose and not good:
                print(f"   units {name} seq={g.get('seq')} want={g['units']} got={sorted(_units(rec))}")
        if g.get("leaders"):
            good = sorted(norm(x) for x in g["leaders"]) == sorted(norm(x) for x in rec.get("leaders") or [])
            t.add("leaders", good)
            if verbose and not good:
                print(f"   leaders {name} seq={g.get('seq')} want={g['leaders']} got={rec.get('leaders')}")
        if g.get("progress"):
            good = norm(g["progress"])[:10] in _progress(rec)
            t.add("progress", good)
            if verbose and not good:
                print(f"   progress {name} seq={g.get('seq')} want={g['progress'][:15]} got={_progress(rec)[:30]}")
        if g.get("status") and g["status"] != "unknown":
            good = rec.get("status") == g["status"]
            t.add("status", good)
            if verbose and not good:
                print(f"   status {name} seq={g.get('seq')} want={g['status']} got={rec.get('status')}")
    if label.get("report"):
        t.add("meta", _meta_ok(label["report"], recs))
    cut = [norm(g.get("task"))[:6] for g in rows if g.get("cut")]
    extra = [i for i in range(len(recs)) if i not in used and not any(c and c in cand[i] for c in cut)]
    t.n["pred"] = t.n.get("pred", 0) + len(used) + len(extra)
    t.n["pred_ok"] = t.n.get("pred_ok", 0) + len(used)
    complete = sum(1 for g in rows if not g.get("cut"))
    return f"{name}: rows {hit}/{complete} found, {len(extra)} extra, exit={code}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, default=PAGES)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    labels = yaml.safe_load((args.pages / "labels.yaml").read_text(encoding="utf-8"))
    t = Tally()
    for name in sorted(labels):
        code, recs = extract(args.pages / f"{name}.txt")
        print(score_page(name, labels[name], code, recs, t, args.verbose))
    n = t.n
    recall = n.get("rows_ok", 0) / n["rows_n"] if n.get("rows_n") else 0.0
    precision = n.get("pred_ok", 0) / n["pred"] if n.get("pred") else 0.0
    print(
        f"pages_row_recall={recall:.3f} pages_row_precision={precision:.3f} units_ok={t.frac('units')} "
        f"leaders_ok={t.frac('leaders')} progress_ok={t.frac('progress')} status_ok={t.frac('status')} "
        f"meta_ok={t.frac('meta')} nontable_refused={t.frac('nontable')}"
    )


if __name__ == "__main__":
    main()
