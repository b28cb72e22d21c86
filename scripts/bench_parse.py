"""Parse throughput per format, in reports per second and MB/s (a script that prints figures).

    python scripts/bench_parse.py [--seconds 2]

Every file is the reference report (130 tasks) in one format: the text dump and the fixtures built
from it by scripts/make_format_fixtures.py. Two figures per format:
- read:  bytes → cell grid (decode, reader, header and title finding): ``read_report``;
- parse: the whole pure pipeline: read, layout, normalization, status, pandera contracts:
         ``parse_report``.
Each is repeated for at least ``--seconds`` (and at least 3 times); the median run is reported.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.pipeline import parse_report  # noqa: E402
from transforms.readers import read_report  # noqa: E402

FORMATS = ROOT / "tests" / "fixtures" / "formats"
FILES = [
    ("text (UTF-8)", ROOT / "samples" / "jishui-2020-progress.txt"),
    ("text (GBK)", FORMATS / "jishui-2020-gbk.txt"),
    ("HTML", FORMATS / "jishui-2020.html"),
    ("DOCX", FORMATS / "jishui-2020.docx"),
    ("XLSX", FORMATS / "jishui-2020.xlsx"),
    ("CSV", FORMATS / "jishui-2020.csv"),
]


def median_seconds(fn: Callable[[], object], min_seconds: float) -> tuple[float, int]:
    """Median wall time of one call, over as many calls as fit in min_seconds (at least 3)."""
    fn()  # warm up: imports, mapping files, caches
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - started < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum time per measurement")
    args = ap.parse_args()
    print(f"luoshi parse throughput, Python {platform.python_version()} on {platform.machine()}, one process")
    print(f"{'format':<14}{'size KB':>9}{'tasks':>7}{'read rep/s':>12}{'read MB/s':>11}{'parse rep/s':>13}{'parse MB/s':>12}")
    for label, path in FILES:
        data = path.read_bytes()
        mb = len(data) / 1e6
        tasks = len(parse_report(data, path.name).records)
        t_read, _ = median_seconds(lambda d=data, n=path.name: read_report(d, n), args.seconds)
        t_parse, _ = median_seconds(lambda d=data, n=path.name: parse_report(d, n), args.seconds)
        print(
            f"{label:<14}{len(data) / 1024:>9.1f}{tasks:>7}{1 / t_read:>12.1f}{mb / t_read:>11.2f}"
            f"{1 / t_parse:>13.1f}{mb / t_parse:>12.2f}"
        )


if __name__ == "__main__":
    main()
