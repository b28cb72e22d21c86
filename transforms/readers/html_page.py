"""HTML reader: every innermost ``<table>`` of the page (layout tables that hold other tables are
page furniture), rowspan/colspan expanded with the copies marked, ``<br>`` and paragraphs inside a
cell kept as line breaks, the text right before a table (or its ``<caption>``) as its title, and the
source line of every row (lxml keeps it) as the row's line span.

pandas.read_html would expand the spans too, but it joins a cell's lines, turns 序号 into numbers
and cannot tell a merged copy from a repeated value, which the layout step needs for sub-rows.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from transforms.grid import Grid, GridRow
from transforms.readers.tabular import SourceTable, build_tables, clean_cell, expand_spans

BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "li",
    "td",
    "th",
    "caption",
    "section",
    "article",
    "center",
    "pre",
    "dt",
    "dd",
    "blockquote",
    "header",
    "footer",
    "span",
    "font",
    "strong",
    "b",
}
BREAKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6")
TITLE_MAX = 100  # the text right before a table is its title when it is at most this long
MAX_SPAN = 1000


class HtmlEmpty(ValueError):
    """The page has no table and no text."""


def _text(el: etree._Element) -> str:
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for b in el.iter(*BREAKS):
        if b is not el:
            b.tail = "\n" + (b.tail or "")
    return clean_cell(el.text_content())


def _span(el: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def _rows(table: etree._Element) -> list[GridRow]:
    rows: list[GridRow] = []
    carry: dict[int, tuple[str, int]] = {}
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        cells = [(_text(td), _span(td, "rowspan"), _span(td, "colspan")) for td in tr.xpath("./td|./th")]
        texts, merged = expand_spans(cells, carry)
        lines = [d.sourceline for d in tr.iter() if isinstance(d.tag, str) and d.sourceline]
        start = tr.sourceline or (min(lines) if lines else 0)
        rows.append(GridRow(texts, start, max(lines + [start]), merged=merged))
    return rows


def read_html(text: str) -> Grid:
    """Parse an HTML page into a grid: one source table per innermost ``<table>``."""
    grid = Grid(format="html")
    doc = lxml_html.document_fromstring(text)
    for junk in doc.xpath("//script|//style|//noscript|//template|//head"):
        junk.drop_tree()
    tables = doc.xpath("//table[not(.//table)]")
    for t in tables:
        for d in t.iter():
            if isinstance(d.tag, str):
                d.set("data-luoshi-table", "1")
    sources: list[SourceTable] = []
    blocks: list[tuple[int, str]] = []
    page_text: list[str] = []
    n_images = len(doc.xpath("//img"))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "table" and el.get("data-luoshi-table"):
            caption = el.find("caption")
            title = _text(caption) if caption is not None else None
            before = list(blocks)
            if title is None and before and len(before[-1][1]) <= TITLE_MAX:
                title = before.pop()[1]
            rows = _rows(el)
            page_text.extend("\t".join(r.cells) for r in rows)
            sources.append(
                SourceTable(
                    rows=rows, source=f"table {len(sources) + 1} of the page", title=title, before=before
                )
            )
            blocks = []
            continue
        if el.tag not in BLOCKS or el.get("data-luoshi-table"):
            continue
        if any(isinstance(d.tag, str) and d.tag in BLOCKS | {"table"} for d in el.iterdescendants()):
            continue
        t = _text(el)
        if t:
            blocks.append((el.sourceline or 0, t))
            page_text.append(t)
    grid.text = "\n".join(page_text)
    if not sources and not page_text:
        raise HtmlEmpty(
            f"an HTML page with no table and no text{f', only {n_images} image(s) (a scanned report?)' if n_images else ''}"
        )
    build_tables(sources, grid)
    return grid
