"""``flask --app registry import PATH [--kind KIND] [--map HEADER=FIELD …] [--dry-run] [--valid-only]``."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext
from rich.console import Console
from sqlalchemy import select

from ..domain import InputError
from ..extensions import db
from ..models import User
from . import guess
from .reader import NoSheet, open_table
from .run import Columns, Decisions, ImportRun
from .service import FileError
from .spec import ID_COLUMN, SPECS, find_spec

EXIT_ERRORS, EXIT_FILE = 1, 2


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    help="What the file holds: " + ", ".join(s.name for s in SPECS) + " (default: from the sheet name).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=FIELD",
    help="Read the column HEADER as FIELD (a field name, id, or - to leave the column out); repeatable. "
    "Other columns: the mapping last confirmed for these headers, else guessed from headers and values.",
)
@click.option(
    "--dry-run", is_flag=True, help="Validate and report (with the columns' mapping); write nothing."
)
@click.option("--valid-only", is_flag=True, help="Import the valid rows and skip the rows in error.")
@click.option("--user", "username", help="Record the changes under this user (default: the system).")
@with_appcontext
def import_command(
    path: Path,
    kind: str | None,
    maps: tuple[str, ...],
    dry_run: bool,
    valid_only: bool,
    username: str | None,
) -> None:
    """Import PATH (.xlsx or .csv) with the same checks as the web import; all or nothing unless --valid-only.

    Headers that are not the template's are mapped as --map says, else guessed; a real run refuses a column
    nothing recognised until --map names its field or leaves it out (HEADER=-).

    Exit status: 0 written (or a clean dry run), 1 nothing written because of row errors, 2 unreadable file
    or a mapping that can't be used (unknown field or header in --map, a field twice, a required one missing).
    """
    content = path.read_bytes()
    user = None
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"No user {username}")
    try:
        spec = _spec_for(kind, content, path)
        given = [_given(text) for text in maps]
        columns = Columns.read(spec, content, path.name)
        found = guess.for_file(spec, columns, given)
        if dry_run or not found.from_template:
            _echo_mapping(spec, columns.headers, found)
        run = ImportRun.open(
            spec, user, content, path.name, mapping=found.mapping, decisions=Decisions(valid_only=valid_only)
        )
        if found.unrecognised and not dry_run:
            headers = ", ".join(repr(run.headers[i]) for i in found.unrecognised)
            raise InputError(
                f"No field recognised for column(s) {headers}: name the field with --map 'HEADER=FIELD' "
                f"or leave the column out with --map 'HEADER=-' (see --dry-run)"
            )
        with _progress_bar(content, path.name, dry_run) as progress:
            result = run.preview(progress) if dry_run else run.commit(progress)
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
        if not found.from_template:
            guess.remember(spec, run.headers, run.mapping, user)  # offered to the next such file, too
        click.echo(f"Written. Request id {result.request_id}")
        return
    if dry_run and not result.error_rows:
        click.echo("Dry run: nothing written.")
        return
    click.echo("Nothing written: fix the rows above, or use --valid-only.", err=True)
    sys.exit(EXIT_ERRORS)


def _given(text: str) -> tuple[str, str | None]:
    """``HEADER=FIELD`` (the last = splits: field names have none) as (header, field or None for -)."""
    header, equals, target = text.rpartition("=")
    if not equals or not header.strip() or not target.strip():
        raise InputError(f"--map {text!r}: expected HEADER=FIELD (or HEADER=- to leave the column out)")
    target = target.strip()
    return header, None if target == guess.IGNORE else target


def _echo_mapping(spec, headers: list[str], found: guess.Guess) -> None:
    """Each column → the field it is read as, and where that came from."""
    click.echo("Columns:")
    labels = {fld.name: str(fld.label) for fld in spec.fields}
    for index, (header, name) in enumerate(zip(headers, found.mapping.columns, strict=True)):
        source = found.sources[index]
        if name is None:
            target = "(left out)" if source else "(left out: not recognised)"
        elif name == ID_COLUMN:
            target = "id"
        else:
            target = f"{name} ({labels.get(name, '?')})"
        click.echo(f"  {index + 1}. {header or '(empty)'} → {target}" + (f"  [{source}]" if source else ""))


def _progress(row: int) -> None:
    click.echo(f"  … row {row}", err=True)


@contextmanager
def _progress_bar(content: bytes, filename: str, dry_run: bool):
    """A progress bar on the terminal (rows done of about how many, elapsed, time left); a line now and
    then when the output is not a terminal (a log, a pipe)."""
    if not sys.stderr.isatty():
        yield _progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    from .jobs import estimate_rows

    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Checking" if dry_run else "Importing", total=estimate_rows(content, filename))
        yield lambda row: bar.update(task, completed=max(0, row - 1))


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
