"""The reference report rendered in every text layout family seen on real pages reads back to its
rows (scripts/make_layout_fixtures.py writes tests/fixtures/layouts/).

Every rendering must give the reference's 130 rows in order with the same 序号, task text, leaders
and units; the renderings that keep the progress text (all but the flattened one, where nothing
marks where a progress cell ends and the next row's 序号 could be a figure) give it too. A mechanism
that only works on the page it was written for fails here."""

from __future__ import annotations

import unicodedata
from functools import cache

import pytest

from scripts.make_layout_fixtures import OUT, render_all
from tests.helpers import REFERENCE
from transforms.pipeline import parse_report

# the renderings that print the part and section headings between the rows
HEADINGS = {"cards.txt", "leading-pipes.txt", "label-lines.txt", "label-alone.txt", "inline-labels.txt", "spaces.txt"}
LOSSLESS = {"leading-pipes.txt", "label-lines.txt", "label-alone.txt", "inline-labels.txt", "cards.txt", "mirror.txt", "spaces.txt"}


def squash(s: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").split())


@cache
def rendered() -> dict[str, str]:
    return render_all()


def _rows(data: bytes, name: str) -> list[dict]:
    return [
        {
            "seq": r.seq,
            "task": squash(r.task_text),
            "leaders": sorted(squash(x) for x in r.leaders),
            "units": sorted(squash(x) for x in r.lead_units + r.units + r.co_units),
            "progress": squash("".join(p["text"] for p in r.progress)),
            "heading": (r.part, r.section),
        }
        for r in parse_report(data, name).records
    ]


@cache
def reference_rows() -> list[dict]:
    return _rows(REFERENCE.read_bytes(), REFERENCE.name)


@cache
def round_trip(s: str) -> str:
    """A simplified text written in traditional characters and back: a character that has two
    simplified forms comes back as the common one (旭昇 → 旭升), which nothing can undo."""
    return _opencc("t2s").convert(_opencc("s2t").convert(s))


@cache
def _opencc(config: str):  # noqa: ANN202
    import opencc

    return opencc.OpenCC(config)


def through_traditional(rows: list[dict]) -> list[dict]:
    """The reference rows as a traditional-character mirror of them can give them back."""
    def conv(v):  # noqa: ANN001, ANN202
        if isinstance(v, str):
            return round_trip(v)
        if isinstance(v, list):
            return sorted(round_trip(x) for x in v)
        return v

    return [{k: conv(v) for k, v in r.items()} for r in rows]


def test_the_committed_renderings_are_up_to_date():
    for name, text in rendered().items():
        assert (OUT / name).read_text(encoding="utf-8") == text, f"run scripts/make_layout_fixtures.py ({name})"


@pytest.mark.parametrize("name", sorted(render_all()))
def test_a_layout_family_reads_back_to_the_reference_rows(name):
    got = _rows(rendered()[name].encode("utf-8"), name)
    want = reference_rows()
    assert len(want) == 130
    if name == "mirror.txt":
        want = through_traditional(want)
    assert [(r["seq"], r["task"]) for r in got] == [(r["seq"], r["task"]) for r in want]
    assert [r["units"] for r in got] == [r["units"] for r in want]
    assert [r["leaders"] for r in got] == [r["leaders"] for r in want]
    if name in LOSSLESS:
        assert [r["progress"] for r in got] == [r["progress"] for r in want]
    if name in HEADINGS:
        assert [r["heading"] for r in got] == [r["heading"] for r in want]
