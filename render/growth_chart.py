"""The growth chart of docs/performance.md: seconds per report and peak memory against the number
of reports, on a log x axis (scripts/bench_growth.py writes it). Pure: figures in, SVG text out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from render import palette
from render.escape import esc


@dataclass(frozen=True)
class GrowthPoint:
    """One N of the growth benchmark: the flow's seconds per report and the largest peak RSS (MB)."""

    n: int
    seconds_per_report: float
    peak_rss_mb: float


def _n_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _panel(
    points: Sequence[GrowthPoint],
    values: Sequence[float],
    x0: float,
    width: float,
    height: float,
    title: str,
    color: str,
    series: str,
    limit: float | None = None,
) -> list[str]:
    """One panel: its axes, the N ticks (log scale), the values as a line with points, an optional limit."""
    left, right, top, bottom = x0 + 44, x0 + width - 12, 30.0, height - 34
    lo_n, hi_n = math.log10(min(p.n for p in points)), math.log10(max(p.n for p in points))
    top_v = max([*values, limit or 0.0]) * 1.15 or 1.0

    def x(n: int) -> float:
        return (
            (left + right) / 2
            if hi_n == lo_n
            else left + (math.log10(n) - lo_n) / (hi_n - lo_n) * (right - left)
        )

    def y(v: float) -> float:
        return bottom - v / top_v * (bottom - top)

    axis = palette.GROWTH_COLORS["axis"]
    out = [
        f'<g class="panel" data-series="{series}">',
        f'<text x="{left}" y="18" font-size="13" fill="{axis}">{esc(title)}</text>',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{axis}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{axis}"/>',
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end" fill="{axis}">{top_v:.3g}</text>',
        f'<text x="{left - 4}" y="{bottom + 4}" font-size="10" text-anchor="end" fill="{axis}">0</text>',
        f'<text x="{(left + right) / 2}" y="{height - 4}" font-size="11" text-anchor="middle" fill="{axis}">'
        "reports (N, log scale)</text>",
    ]
    for p in points:
        out.append(
            f'<text class="tick" x="{x(p.n):.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="{axis}">{_n_label(p.n)}</text>'
        )
    if limit is not None:
        out.append(
            f'<line class="limit" x1="{left}" y1="{y(limit):.1f}" x2="{right}" y2="{y(limit):.1f}" '
            f'stroke="{palette.GROWTH_COLORS["limit"]}" stroke-dasharray="4 3"/>'
            f'<text x="{right}" y="{y(limit) - 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{palette.GROWTH_COLORS["limit"]}">limit {limit:g}</text>'
        )
    coords = [(x(p.n), y(v)) for p, v in zip(points, values, strict=True)]
    out.append(
        f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in coords)}" fill="none" '
        f'stroke="{color}" stroke-width="2"/>'
    )
    for p, v, (a, b) in zip(points, values, coords, strict=True):
        out.append(
            f'<circle data-n="{p.n}" data-value="{v:g}" cx="{a:.1f}" cy="{b:.1f}" r="3.5" fill="{color}">'
            f"<title>N={p.n}: {v:.3g}</title></circle>"
        )
    out.append("</g>")
    return out


def growth_chart_svg(
    points: Sequence[GrowthPoint], rss_limit_mb: float = 1024.0, width: int = 640, height: int = 280
) -> str:
    """Two panels side by side: the flow's seconds per report, and peak RSS (MB) with its limit
    dashed, each against N on a log x axis. Points are sorted by N; at least one is needed."""
    if not points:
        raise ValueError("the growth chart needs at least one point")
    pts = sorted(points, key=lambda p: p.n)
    half = width / 2
    parts = [
        f'<svg class="growth-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="cost against reports: seconds per report, peak memory">',
        *_panel(
            pts,
            [p.seconds_per_report for p in pts],
            0,
            half,
            height,
            "flow seconds per report",
            palette.GROWTH_COLORS["time"],
            "seconds_per_report",
        ),
        *_panel(
            pts,
            [p.peak_rss_mb for p in pts],
            half,
            half,
            height,
            "peak RSS (MB), largest process",
            palette.GROWTH_COLORS["memory"],
            "peak_rss_mb",
            limit=rss_limit_mb,
        ),
        "</svg>",
    ]
    return "\n".join(parts)
