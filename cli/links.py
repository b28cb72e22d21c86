"""`luoshi links …` (cross-year task links and the crosswalk) and `luoshi backfill FOLDER`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DEFAULT_WH, ForceOpt, ManifestOpt, WarehouseOpt, console, err, print_error
from transforms.linking import CROSSWALK, crosswalk_with_decision, parse_ref

links_app = typer.Typer(
    help="Task links across plan years: review proposals, record decisions in the crosswalk.",
    no_args_is_help=True,
)
CrosswalkOpt = Annotated[
    Path,
    typer.Option(
        "--crosswalk", help="Crosswalk YAML of reviewed decisions.", show_default="schemas/crosswalk.yaml"
    ),
]


@links_app.command("pending")
def pending(
    warehouse: WarehouseOpt = DEFAULT_WH,
    county: Annotated[str | None, typer.Option(help="Only this county.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
) -> None:
    """Links proposed by similarity that need a decision (`links accept|reject FROM TO`)."""
    from cli.common import open_read_only, print_rows
    from warehouse.db import sql

    con = open_read_only(warehouse)
    try:
        cur = con.execute(sql("link_pending"), {"county": county})
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    if not rows:
        console.print("no pending links")
        return
    keep = ["from_ref", "to_ref", "link_type", "score", "from_text", "to_text"]
    idx = [cols.index(c) for c in keep]
    print_rows(keep, [tuple(r[i] for i in idx) for r in rows], fmt)
    if fmt == "table":
        console.print(f"{len(rows)} pending; decide with: luoshi links accept|reject FROM TO")


def resolve(ref: str, warehouse: Path) -> tuple[str, str | None]:
    """A task reference COUNTY:YEAR:TABLE:SEQ, or a task key looked up in the warehouse → (ref, text)."""
    if ref.strip().isdigit():
        from cli.common import open_read_only
        from warehouse.db import run_sql

        con = open_read_only(warehouse)
        try:
            rows = run_sql(con, "link_task_ref", {"task_key": int(ref)})
        finally:
            con.close()
        if not rows:
            print_error("error:", f"no task with key {ref} in {warehouse}")
            raise typer.Exit(2)
        return rows[0][0], rows[0][1]
    try:
        parse_ref(ref)
    except ValueError as exc:
        print_error("error:", exc)
        raise typer.Exit(2) from exc
    return ref.strip(), None


def decide(
    decision: str, a: str, b: str, crosswalk: Path, warehouse: Path, apply: bool, note: str | None
) -> None:
    ref_a, _ = resolve(a, warehouse)
    ref_b, _ = resolve(b, warehouse)
    text = crosswalk.read_text(encoding="utf-8") if crosswalk.exists() else "decisions: []\n"
    try:
        new = crosswalk_with_decision(text, decision, ref_a, ref_b, note)
    except ValueError as exc:
        print_error("error:", f"{crosswalk}: {exc}")
        raise typer.Exit(2) from exc
    tmp = crosswalk.with_suffix(crosswalk.suffix + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(crosswalk)
    console.print(f"{decision}: {ref_a} → {ref_b} written to {crosswalk}")
    if apply:
        run_links(warehouse, crosswalk)


def run_links(warehouse: Path, crosswalk: Path | None) -> None:
    from flows.link import link_tasks

    if not warehouse.exists():
        console.print(f"no warehouse at {warehouse} yet; the decision applies at the next link run")
        return
    res = link_tasks(warehouse=str(warehouse), crosswalk=str(crosswalk) if crosswalk else None)
    console.print(
        f"links: {res['accepted']} accepted, {res['pending']} pending, {res['rejected']} rejected; "
        f"{res['threads']} threads of two or more tasks"
    )
    for f in res["findings"]:
        err.print(f, markup=False, highlight=False)
    from warehouse.publish import publish_warehouse

    console.print(f"published: {publish_warehouse(warehouse).path}")


FromArg = Annotated[str, typer.Argument(metavar="FROM", help="COUNTY:YEAR:TABLE:SEQ or a task key.")]
ToArg = Annotated[str, typer.Argument(metavar="TO", help="COUNTY:YEAR:TABLE:SEQ or a task key.")]
ApplyOpt = Annotated[bool, typer.Option("--apply/--no-apply", help="Re-run linking afterwards.")]
NoteOpt = Annotated[str | None, typer.Option(help="Why (kept in the crosswalk).")]


@links_app.command("accept")
def accept(
    from_task: FromArg,
    to_task: ToArg,
    crosswalk: CrosswalkOpt = CROSSWALK,
    warehouse: WarehouseOpt = DEFAULT_WH,
    apply: ApplyOpt = True,
    note: NoteOpt = None,
) -> None:
    """Accept the link FROM → TO: written to the crosswalk, then applied."""
    decide("accept", from_task, to_task, crosswalk, warehouse, apply, note)


@links_app.command("reject")
def reject(
    from_task: FromArg,
    to_task: ToArg,
    crosswalk: CrosswalkOpt = CROSSWALK,
    warehouse: WarehouseOpt = DEFAULT_WH,
    apply: ApplyOpt = True,
    note: NoteOpt = None,
) -> None:
    """Reject the link FROM → TO (even an auto-accepted one): written to the crosswalk, then applied."""
    decide("reject", from_task, to_task, crosswalk, warehouse, apply, note)


@links_app.command("run")
def run(crosswalk: CrosswalkOpt = CROSSWALK, warehouse: WarehouseOpt = DEFAULT_WH) -> None:
    """Propose and apply links now (Prefect flow `link_tasks`)."""
    run_links(warehouse, crosswalk)


def backfill_cmd(
    folder: Annotated[
        Path, typer.Argument(help="Folder of reports (with a sources.yaml manifest beside them).")
    ],
    warehouse: WarehouseOpt = DEFAULT_WH,
    manifest: ManifestOpt = None,
    crosswalk: CrosswalkOpt = CROSSWALK,
    force: ForceOpt = False,
) -> None:
    """Ingest every report in FOLDER in as-of order, then link tasks (Prefect flow `backfill`). Idempotent."""
    from cli.common import print_run
    from flows.backfill import backfill

    if not folder.is_dir():
        print_error("error:", f"{folder}: not a folder")
        raise typer.Exit(2)
    try:
        res = backfill(
            folder=str(folder),
            warehouse=str(warehouse),
            manifest=str(manifest) if manifest else None,
            crosswalk=str(crosswalk),
            force=force,
        )
    except RuntimeError as exc:
        print_error("failed:", str(exc))
        raise typer.Exit(1) from exc
    print_run(res, f"backfill: {res.outcome} (etl_run {res.run_key})", with_as_of=True)
    c = res.counts
    link = res.step("link")
    console.print(
        f"backfill: {c.reports_loaded} loaded, {c.reports_skipped} skipped, {c.reports_failed} rejected"
        + (f"; {link.message}" if link else ""),
        markup=False,
        highlight=False,
    )
    if c.reports_failed:
        raise typer.Exit(1)
