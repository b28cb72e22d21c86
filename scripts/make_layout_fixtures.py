"""Render the reference report's rows in every text layout family luoshi reads.

    python scripts/make_layout_fixtures.py [--out DIR]

Writes, from samples/jishui-2020-progress.txt (two tables, 130 task rows, part/section headings),
one text file per layout family seen on real pages (default folder tests/fixtures/layouts/):

- spaces.txt      one row per line, cells separated by runs of spaces, empty cells vanish
- leading-pipes.txt  `| cell` one cell per line, a lone `|` ends the row
- label-lines.txt  numbered items, then `责任领导:…` / `责任单位:…` / `落实情况:…` lines
- label-alone.txt  numbered items, each label alone on its line with its value on the next
- inline-labels.txt  `N.task(责任领导:X;责任单位:Y)` then the progress paragraph
- cards.txt       transposed cards: label and value alternating line by line, one card per task
- flattened.txt   the whole table on one line, no delimiters but single spaces
- mirror.txt      a traditional-character copy with pinyin glosses and a comma slipped in before
                  punctuation (`,,` `,。` `,、`)

Every rendering keeps the 序号, the task text, the leaders and the units of every row, so reading
it back must give the same rows, tasks and units (tests/unit/transforms/test_layout_families.py); the lossless
ones give the same records. Rebuilding gives the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.grid import GridTable  # noqa: E402
from transforms.readers.text import is_heading_text, read_text  # noqa: E402

REFERENCE = ROOT / "samples" / "jishui-2020-progress.txt"
OUT = ROOT / "tests" / "fixtures" / "layouts"
PAGE_HEAD = "吉水县人民政府\n首页 > 政务公开 > 政府工作报告\n"
PAGE_FOOT = "\n吉水县人民政府主办 吉水县信息中心承办\n"
# pinyin glosses a mirror inserts after some characters (character → gloss), as real mirrors do
GLOSSES = {"實": "shí", "縣": "xiàn", "務": "wù", "設": "shè", "進": "jìn", "責": "zé", "項": "xiàng"}


def reference_tables() -> list[GridTable]:
    return read_text(REFERENCE.read_text(encoding="utf-8")).tables


def _rows(table: GridTable) -> list[tuple[str | None, list[str]]]:
    """(heading text, None) or (None, cells) for every row of a table, in order."""
    out: list[tuple[str | None, list[str]]] = []
    for row in table.rows:
        cells = [c.strip() for c in row.cells]
        if is_heading_text(cells[0]) and not any(cells[1:]):
            out.append((cells[0], []))
        else:
            out.append((None, cells))
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()


def spaces(tables: list[GridTable]) -> str:
    parts = [PAGE_HEAD]
    for t in tables:
        parts.append(f"{t.title}\n")
        parts.append(" ".join(t.header or []) + "\n")
        for heading, cells in _rows(t):
            parts.append(f"{heading}\n" if heading else " ".join(_one_line(c) for c in cells if c) + "\n")
    return "".join(parts) + PAGE_FOOT


def leading_pipes(tables: list[GridTable]) -> str:
    parts = [PAGE_HEAD]
    for t in tables:
        parts.append(f"{t.title}\n")
        parts.extend(f"| {h}\n" for h in t.header or [])
        parts.append("|\n")
        for heading, cells in _rows(t):
            if heading:
                parts.append(f"| {heading}\n|\n")
                continue
            for c in cells:
                lines = c.split("\n") or [""]
                parts.append(f"| {lines[0]}\n" + "".join(f"{x}\n" for x in lines[1:]))
            parts.append("|\n")
    return "".join(parts) + PAGE_FOOT


def _items(tables: list[GridTable]):
    """(table title, heading or None, seq, {label: value}) for the rows of every table."""
    for t in tables:
        header = t.header or []
        yield t.title, None, None, None
        for heading, cells in _rows(t):
            if heading:
                yield None, heading, None, None
                continue
            values = {h: _one_line(c) for h, c in zip(header, cells, strict=False)}
            yield None, None, values.pop(header[0], ""), values


def _item_page(tables: list[GridTable], item: Callable[[str, dict[str, str]], str]) -> str:
    """A page of numbered items: table titles and headings as lines, each row as ``item(seq, values)``."""
    parts = [PAGE_HEAD]
    for title, heading, seq, values in _items(tables):
        if title:
            parts.append(f"\n{title}\n")
        elif heading:
            parts.append(f"{heading}\n")
        else:
            parts.append(item(seq, values))
    return "".join(parts) + PAGE_FOOT


def label_lines(tables: list[GridTable], alone: bool = False) -> str:
    def item(seq: str, values: dict[str, str]) -> str:
        task_label, *labels = list(values)
        fields = "".join(
            (f"{k}\n{values[k]}\n" if alone else f"{k}:{values[k]}\n") for k in labels if values[k]
        )
        return f"{seq}.{values[task_label]}\n{fields}"

    return _item_page(tables, item)


def inline_labels(tables: list[GridTable]) -> str:
    def item(seq: str, values: dict[str, str]) -> str:
        labels = list(values)
        task, progress = values[labels[0]], values[labels[-1]]
        group = ";".join(f"{k}:{values[k]}" for k in labels[1:-1] if values[k])
        return f"{seq}.{task}({group})\n" + (f"{progress}\n" if progress else "")

    return _item_page(tables, item)


def cards(tables: list[GridTable]) -> str:
    parts = [PAGE_HEAD]
    for t in tables:
        header = t.header or []
        parts.append(f"\n{t.title}\n")
        for heading, cells in _rows(t):
            if heading:
                parts.append(f"\n{heading}\n")
                continue
            parts.append("\n")
            for h, c in zip(header, cells, strict=False):
                parts.append(f"{h}\n{_one_line(c) or '/'}\n")
    return "".join(parts) + PAGE_FOOT


def flattened(tables: list[GridTable]) -> str:
    words: list[str] = []
    for t in tables:
        words.append(t.title or "")
        words.extend(t.header or [])
        for heading, cells in _rows(t):
            words.extend([heading] if heading else [_one_line(c) for c in cells if c])
    return PAGE_HEAD + " ".join(w for w in words if w) + PAGE_FOOT


def mirror(text: str) -> str:
    import opencc

    trad = opencc.OpenCC("s2t").convert(text)
    out: list[str] = []
    seen: dict[str, int] = {}
    for ch in trad:
        out.append(ch)
        if ch in GLOSSES:
            seen[ch] = seen.get(ch, 0) + 1
            if seen[ch] % 3 == 1:  # every third occurrence, as a mirror does unevenly
                out.append(f"({GLOSSES[ch]})")
    # a mirror slips a comma in before punctuation (`,,` `,。` `,、` `,;`: page 118 shows them all),
    # unevenly; it never doubles a full stop
    noisy: list[str] = []
    marks: dict[str, int] = {}
    for ch in "".join(out):
        if ch in ",。、;":
            marks[ch] = marks.get(ch, 0) + 1
            if marks[ch] % 9 == 2:
                noisy.append(",")
        noisy.append(ch)
    return "".join(noisy)


def render_all() -> dict[str, str]:
    tables = reference_tables()
    return {
        "spaces.txt": spaces(tables),
        "leading-pipes.txt": leading_pipes(tables),
        "label-lines.txt": label_lines(tables),
        "label-alone.txt": label_lines(tables, alone=True),
        "inline-labels.txt": inline_labels(tables),
        "cards.txt": cards(tables),
        "flattened.txt": flattened(tables),
        "mirror.txt": mirror(REFERENCE.read_text(encoding="utf-8")),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in render_all().items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"{args.out / name}: {len(text.encode('utf-8')):,} bytes")


if __name__ == "__main__":
    main()
