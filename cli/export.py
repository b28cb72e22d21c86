"""`luoshi export`, `luoshi site` and `luoshi docs`: serve the warehouse to spreadsheets, a static
tracker site and the data dictionary. Registered on the main app by ``register(app)``.

All three only read the warehouse (read-only connection, no file access from SQL); files are written
by Python, each one complete or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import typer

from cli.common import DEFAULT_WH, WarehouseOpt, console, print_error

if TYPE_CHECKING:
    from render.tracker import Row, SiteData

FORMATS = ("parquet", "csv", "xlsx")


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse with file access from SQL disabled (see `luoshi sql`)."""
    from cli.common import open_read_only

    return open_read_only(warehouse)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write DATA to PATH through a temporary file in the same folder (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relations(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Name → kind (table | view) of everything that can be exported."""
    from warehouse.db import sql

    return {name: kind for kind, name, _ in con.execute(sql("catalog_relations")).fetchall()}


def parquet_bytes(table: Any) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def export(
    names: Annotated[
        list[str] | None, typer.Argument(help="Tables or views to export (default: every v_* view).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the files to.")] = Path("exports"),
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="parquet, csv, xlsx (repeat or comma-separate; default all)."),
    ] = None,
    labels: Annotated[
        str,
        typer.Option(
            "--labels",
            help="en (column names and codes) or zh (中文表头, codes in Chinese: 已完成, 达标, 年底).",
        ),
    ] = "en",
    workbook: Annotated[
        str, typer.Option("--workbook", help="Name of the XLSX workbook (one sheet per table or view).")
    ] = "luoshi.xlsx",
    warehouse: WarehouseOpt = DEFAULT_WH,
) -> None:
    """Write views or tables to Parquet and CSV (UTF-8 with BOM), a file each, and to one XLSX workbook
    with a sheet each; formula-like text neutralized. With --labels zh, headers and codes are Chinese
    in the CSV and XLSX (Parquet keeps the codes)."""
    from render.export import LABELS_FILE, column_labels, csv_bytes, header_labels, xlsx_bytes, zh_values

    formats = [f.strip().lower() for part in (fmt or list(FORMATS)) for f in part.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise typer.BadParameter(
            f"unknown format {', '.join(bad)}; choose from {', '.join(FORMATS)}", param_hint="--format"
        )
    if labels not in ("en", "zh"):
        raise typer.BadParameter("--labels must be en or zh", param_hint="--labels")
    con = open_warehouse(warehouse)
    try:
        known = relations(con)
        chosen = list(names or [n for n in known if n.startswith("v_")])
        unknown = [n for n in chosen if n not in known]
        if unknown:
            print_error(
                "error:",
                f"no table or view named {', '.join(unknown)}; choose from: {', '.join(sorted(known))}",
            )
            raise typer.Exit(2)
        label_map = column_labels() if labels == "zh" else None
        files: dict[Path, bytes] = {}
        missing: set[str] = set()
        sheets: list[tuple[str, list[str], list[Sequence[Any]]]] = []
        sheet_columns: list[list[str]] = []
        for name in chosen:
            rel = con.table(name)
            columns = list(rel.columns)
            headers, lacking = header_labels(columns, label_map)
            missing.update(lacking)
            if "parquet" in formats:
                files[out / f"{name}.parquet"] = parquet_bytes(rel.to_arrow_table().rename_columns(headers))
            rows: list[Sequence[Any]] = (
                list(rel.fetchall()) if ("csv" in formats or "xlsx" in formats) else []
            )
            if label_map is not None:
                rows = list(zh_values(columns, rows))
            if "csv" in formats:
                files[out / f"{name}.csv"] = csv_bytes(headers, rows)
            if "xlsx" in formats:
                sheets.append((name, headers, rows))
                sheet_columns.append(columns)
        if sheets:
            files[out / workbook] = xlsx_bytes(sheets, sheet_columns)
    except duckdb.Error as exc:
        print_error("error:", exc)
        raise typer.Exit(1) from exc
    finally:
        con.close()
    for path, data in files.items():
        write_atomic(path, data)
        console.print(f"wrote {path} ({len(data):,} bytes)")
    if missing:
        print_error(
            "warning:",
            f"no Chinese header for {', '.join(sorted(missing))}: add them to {LABELS_FILE}",
            style="yellow",
        )


def load_site_data(con: duckdb.DuckDBPyConnection) -> SiteData:
    from render.tracker import SiteData
    from warehouse.db import fetch_dicts, sql

    def q(name: str) -> list[Row]:
        return list(fetch_dicts(con, sql(name)))

    return SiteData(
        status_counts=q("site_status_counts"),
        reports=q("site_reports"),
        tasks=q("site_tasks"),
        history=q("site_history"),
        metrics=q("site_metrics"),
        unit_scores=q("site_unit_scores"),
        leader_scores=q("site_leader_scores"),
        links=q("site_links"),
        people=q("site_task_people"),
        yoy=q("site_year_over_year"),
        yoy_county=q("site_year_over_year_county"),
    )


def write_site(pages: dict[str, str], out: Path) -> None:
    """Write the pages into a fresh folder, then put it in place of OUT (a previous site is replaced)."""
    if out.exists() and any(out.iterdir()) and not (out / "index.html").exists():
        raise FileExistsError(f"{out} exists and is not a luoshi site (no index.html); choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, text in pages.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o777 & ~current_umask())
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def site(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the site (replaced if it holds a previous site).")
    ] = Path("site"),
    warehouse: WarehouseOpt = DEFAULT_WH,
) -> None:
    """Build the static tracker site: per county and plan year, status counts, scorecards and a page per task."""
    from render.tracker import render_site

    con = open_warehouse(warehouse)
    try:
        data = load_site_data(con)
    except duckdb.CatalogException as exc:
        print_error(
            "error:", f"{exc}; open the warehouse once for writing (e.g. `luoshi ingest`) to create the views"
        )
        raise typer.Exit(1) from exc
    finally:
        con.close()
    pages = render_site(data)
    try:
        write_site(pages, out)
    except FileExistsError as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    console.print(f"wrote {len(pages)} pages to {out}/ (open {out / 'index.html'})")


def docs(
    out: Annotated[Path, typer.Option("--out", "-o", help="Data dictionary to write.")] = Path(
        "docs/warehouse.md"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Only check that the file is up to date (exit 1 if not).")
    ] = False,
    examples: Annotated[
        Path | None, typer.Option(help="Also refresh the example outputs in this Markdown file.")
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WH,
) -> None:
    """Generate docs/warehouse.md from the schema's catalog; --examples refreshes a Markdown file's query outputs."""
    from warehouse.dictionary import build_dictionary, fill_examples

    text = build_dictionary()
    current = out.read_text(encoding="utf-8") if out.exists() else None
    if check:
        if current != text:
            print_error("out of date:", f"{out} does not match the warehouse schema; run `luoshi docs`")
            raise typer.Exit(1)
        console.print(f"{out} is up to date")
        return
    if current != text:
        write_atomic(out, text.encode("utf-8"))
        console.print(f"wrote {out}")
    else:
        console.print(f"{out} is up to date")
    if examples is not None:
        con = open_warehouse(warehouse)

        def run(query: str) -> tuple[list[str], list[tuple]]:
            cur = con.execute(query)
            return [d[0] for d in cur.description], cur.fetchall()

        try:
            md = examples.read_text(encoding="utf-8")
            write_atomic(examples, fill_examples(md, run).encode("utf-8"))
        except duckdb.Error as exc:
            print_error("error:", f"an example query in {examples} failed: {exc}")
            raise typer.Exit(1) from exc
        finally:
            con.close()
        console.print(f"refreshed the example outputs in {examples}")


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command()(site)
    app.command()(docs)
