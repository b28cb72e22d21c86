"""One table saved in two layouts gives the same records (issue: the same table, two crawlers).

- 128 and 129 are one provincial template (民生工程) filled in by two counties and saved in two
  layouts (one cell per line with bare `|` lines; one row per line with ` | `): they must agree
  on the 序号, project names and task structure (the sub-tasks of every item) of every row both show.
- 179 and 180 are one 2012 table saved by two crawlers (a vertical layout without 序号; leading
  pipes): tests/unit/transforms/readers/test_readers_spaced.py checks that they agree on the row both show.
"""

from __future__ import annotations

import unicodedata

from tests.helpers import FIXTURES
from transforms.pipeline import parse_report

PAGES = FIXTURES / "realpages"


def _squash(s: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").split())


def _structure(name: str) -> dict[int, tuple[str, int]]:
    """序号 → (project, number of sub-tasks) for every item but the last (the page is cut in it)."""
    path = PAGES / f"{name}.txt"
    recs = parse_report(path.read_bytes(), path.name).records
    items: dict[int, tuple[str, int]] = {}
    for r in recs:
        project, n = items.get(r.seq, (_squash(r.project), 0))
        items[r.seq] = (project, n + (1 if r.sub_seq else 0))
    last = max(items)
    return {k: v for k, v in items.items() if k != last}


def test_one_template_in_two_layouts_gives_the_same_items_projects_and_sub_tasks():
    a, b = _structure("128"), _structure("129")
    both = sorted(set(a) & set(b))
    assert both == [1, 2, 3, 4, 5, 6]
    assert [a[k] for k in both] == [b[k] for k in both]
    assert b[4][1] == 7  # item 4: seven indicator rows under 最低生活保障 / 特困人员救助供养
