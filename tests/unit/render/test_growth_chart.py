"""The growth chart (render/growth_chart.py): one point per N in each panel, at x positions in
log scale, the N labels, the memory limit drawn, colours from the palette."""

import xml.etree.ElementTree as ET

import pytest

from render import palette
from render.growth_chart import GrowthPoint, growth_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
POINTS = [GrowthPoint(10000, 0.07, 980.0), GrowthPoint(1000, 0.08, 700.0), GrowthPoint(3000, 0.075, 850.0)]


def _panels(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("width") == "640" and root.get("height") == "280"
    return {g.get("data-series"): g for g in root.iter(f"{SVG}g")}


def test_each_panel_has_one_point_per_n_in_order_on_a_log_axis():
    panels = _panels(growth_chart_svg(POINTS))
    assert set(panels) == {"seconds_per_report", "peak_rss_mb"}
    for series, colour in (("seconds_per_report", "time"), ("peak_rss_mb", "memory")):
        circles = panels[series].findall(f"{SVG}circle")
        assert [int(c.get("data-n")) for c in circles] == [1000, 3000, 10000]
        assert {c.get("fill") for c in circles} == {palette.GROWTH_COLORS[colour]}
        xs = [float(c.get("cx")) for c in circles]
        # log scale: 1k → 3k is log10(3) / log10(10) ≈ 0.477 of the way to 10k
        assert (xs[1] - xs[0]) / (xs[2] - xs[0]) == pytest.approx(0.477, abs=0.01)
        ticks = [t.text for t in panels[series].findall(f"{SVG}text") if t.get("class") == "tick"]
        assert ticks == ["1k", "3k", "10k"]
    values = [float(c.get("data-value")) for c in panels["peak_rss_mb"].findall(f"{SVG}circle")]
    assert values == [700.0, 850.0, 980.0]
    # higher values are drawn higher (smaller y)
    ys = [float(c.get("cy")) for c in panels["peak_rss_mb"].findall(f"{SVG}circle")]
    assert ys[0] > ys[1] > ys[2]


def test_the_memory_limit_is_drawn_above_the_points_below_it():
    panels = _panels(growth_chart_svg(POINTS, rss_limit_mb=1024))
    (limit,) = [e for e in panels["peak_rss_mb"].iter(f"{SVG}line") if e.get("class") == "limit"]
    assert limit.get("stroke") == palette.GROWTH_COLORS["limit"]
    ys = [float(c.get("cy")) for c in panels["peak_rss_mb"].findall(f"{SVG}circle")]
    assert float(limit.get("y1")) < min(ys)
    assert not [e for e in panels["seconds_per_report"].iter(f"{SVG}line") if e.get("class") == "limit"]


def test_one_point_and_no_point():
    panels = _panels(growth_chart_svg([GrowthPoint(500, 0.1, 600.0)]))
    assert len(panels["seconds_per_report"].findall(f"{SVG}circle")) == 1
    with pytest.raises(ValueError):
        growth_chart_svg([])
