"""Time and peak memory of parsing one very large generated report (a script that prints figures).

    python scripts/bench_big.py [--rows 200000] [--format xlsx|txt] [--file PATH] [--no-limits] [--profile]

The report is generated (openpyxl's write-only mode for XLSX): a header and ``--rows`` numbered
task rows; with ``--file`` it is read from that file, written there first when it does not exist
(generate once, then time each variant in a fresh process). ``--no-limits`` lifts the row limit of schemas/quality.yaml to time the
reading itself; without it a report above ``readers.max_rows`` is expected to be refused.
Prints the outcome, the seconds taken and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["序号", "重点任务", "责任领导", "责任单位", "进展情况"]


def row(i: int) -> list[object]:
    return [i, f"推进第{i}号重点工程建设项目，完成年度投资计划", "张三", "县发改委", f"已完成投资{i % 997}万元，正常推进"]


def big_xlsx(rows: int) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("任务表")
    ws.append(HEADER)
    for i in range(1, rows + 1):
        ws.append(row(i))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def big_text(rows: int) -> bytes:
    lines = [" | ".join(HEADER) + " |"]
    lines += [" | ".join(str(c) for c in row(i)) + " |" for i in range(1, rows + 1)]
    return "\n".join(lines).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--format", choices=["xlsx", "txt"], default="xlsx")
    ap.add_argument("--no-limits", action="store_true", help="lift readers.max_rows (time the reading itself)")
    ap.add_argument("--file", type=Path, default=None, help="read the report from this file (written first if absent)")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    t = time.monotonic()
    if args.file is not None and args.file.exists():
        data = args.file.read_bytes()
        print(f"read {args.file}: {len(data):,} bytes", flush=True)
    else:
        data = big_xlsx(args.rows) if args.format == "xlsx" else big_text(args.rows)
        print(f"generated {args.rows} rows as {args.format}: {len(data):,} bytes in {time.monotonic() - t:.1f} s", flush=True)
        if args.file is not None:
            args.file.write_bytes(data)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from transforms import readers
    from transforms.pipeline import RejectedReport, parse_report

    if args.no_limits:
        lim = readers.reader_limits()
        for key in ("max_rows", "max_seq", "max_input_bytes", "max_uncompressed_bytes"):
            if key in lim:
                lim[key] = 10**12
    name = f"big.{args.format}"
    t = time.monotonic()
    try:
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            parsed = prof.runcall(parse_report, data, name)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        else:
            parsed = parse_report(data, name)
        outcome = f"parsed: {len(parsed.records)} records"
    except RejectedReport as exc:
        outcome = f"refused: {str(exc)[:300]}"
    seconds = time.monotonic() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{outcome}\nparse_report: {seconds:.1f} s; peak RSS of the process {peak_mb:.0f} MB ({before_mb:.0f} MB before parsing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
