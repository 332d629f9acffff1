"""``flask --app registry report …``: the report document for a period, from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ...domain import InputError
from ...domain.values import parse_query_date
from ..periods import Period
from . import lifecycle

report_cli = AppGroup("report", help="The implementation report: its document for a period.")


def _day(value: str, name: str):
    try:
        return parse_query_date(value)
    except InputError as error:
        raise click.BadParameter(error.message, param_hint=name) from None


@report_cli.command("docx")
@click.option("--start", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--end", required=True, help="Last day of the period (YYYY-MM-DD).")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The DOCX to write."
)
def docx_command(start: str, end: str, out: Path) -> None:
    """Write the DOCX of the report of exactly that period (as finalised, if it is), else of a draft carried
    forward from the previous report (or the outline's default texts). Writes nothing to the database."""
    period = Period(_day(start, "--start"), _day(end, "--end"))
    if period.end < period.start:
        raise click.BadParameter("the end is before the start", param_hint="--end")
    try:
        content = lifecycle.document_for_period(period)
    except InputError as error:
        raise click.ClickException(error.message) from None
    out.write_bytes(content)
    click.echo(f"Wrote {out} ({len(content)} bytes).")
