"""``flask --app registry import PATH [--kind KIND] [--dry-run] [--valid-only]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..domain import InputError
from ..extensions import db
from ..models import User
from .reader import NoSheet, open_table
from .run import Decisions, ImportRun
from .service import FileError
from .spec import SPECS, find_spec

EXIT_ERRORS, EXIT_FILE = 1, 2


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    help="What the file holds: " + ", ".join(s.name for s in SPECS) + " (default: from the sheet name).",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--valid-only", is_flag=True, help="Import the valid rows and skip the rows in error.")
@click.option("--user", "username", help="Record the changes under this user (default: the system).")
@with_appcontext
def import_command(
    path: Path, kind: str | None, dry_run: bool, valid_only: bool, username: str | None
) -> None:
    """Import PATH (.xlsx or .csv) with the same checks as the web import; all or nothing unless --valid-only.

    Exit status: 0 written (or a clean dry run), 1 nothing written because of row errors, 2 unreadable file.
    """
    content = path.read_bytes()
    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"No user {username}")
    try:
        spec = _spec_for(kind, content, path)
        run = ImportRun.open(spec, user, content, path.name, decisions=Decisions(valid_only=valid_only))
        result = run.preview(_progress) if dry_run else run.commit(_progress)
    except (FileError, InputError) as error:
        click.echo(f"Refused: {error.message}", err=True)
        sys.exit(EXIT_FILE)
    click.echo(
        f"{spec.name} from {path.name} ({run.sheet}): {result.created} to create, {result.updated} to update, "
        f"{result.unchanged} unchanged, {result.rejected} rejected, {result.error_count} rows in error"
    )
    for line in result.error_lines():
        click.echo(line)
    if result.written:
        click.echo(f"Written. Request id {result.request_id}")
        return
    if dry_run and not result.error_rows:
        click.echo("Dry run: nothing written.")
        return
    click.echo("Nothing written: fix the rows above, or use --valid-only.", err=True)
    sys.exit(EXIT_ERRORS)


def _progress(row: int) -> None:
    click.echo(f"  … row {row}", err=True)


def _spec_for(kind: str | None, content: bytes, path: Path):
    if kind:
        spec = find_spec(kind)
        if spec is None:
            raise InputError(f"Unknown kind {kind}; one of: " + ", ".join(s.name for s in SPECS))
        return spec
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for spec in SPECS:
            try:
                open_table(content, path.name, spec.sheet_names)
                return spec
            except NoSheet:
                continue  # another kind's sheet names; any other refusal is the file's own
    spec = find_spec(path.stem)
    if spec is None:
        raise InputError("Cannot tell what the file holds; give --kind")
    return spec
