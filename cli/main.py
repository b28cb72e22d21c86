"""The `luoshi` command line (typer + rich): one module per command group, registered here.

Commands start flows or read the warehouse; nothing imports this module.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli import export, ingest, links, ops, query, report

app = typer.Typer(help="luoshi: county work-report task tables → DuckDB warehouse.", no_args_is_help=True)


@app.callback()
def main(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Flow runs log warnings and errors only (default: INFO).")
    ] = False,
) -> None:
    """luoshi: county work-report task tables → DuckDB warehouse."""
    if quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"  # read when a flow first imports prefect


ingest.register(app)
query.register(app)
export.register(app)
app.command()(report.report)
app.command("inbox")(ops.inbox_cmd)
app.command("publish")(ops.publish_cmd)
app.add_typer(links.links_app, name="links")
app.command("backfill")(links.backfill_cmd)

if __name__ == "__main__":
    app()
