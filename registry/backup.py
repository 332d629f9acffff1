"""``flask --app registry backup PATH`` and ``restore PATH`` for the SQLite database.

The backup uses SQLite's online backup API: a consistent copy while the app keeps running and writing.
For PostgreSQL use pg_dump / pg_restore (README, "Backups").
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .extensions import db


def sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "backup/restore work on the SQLite database; for PostgreSQL use pg_dump and "
            "pg_restore (see README, Backups)"
        )
    return Path(url.database)


def backup_to(target: Path) -> None:
    """Copy the live database to ``target`` page by page; writers carry on meanwhile."""
    source = sqlite3.connect(sqlite_path(), timeout=current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=1024)
        check = destination.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise click.ClickException(f"integrity check of the copy failed: {check}")
    finally:
        destination.close()
        source.close()


def restore_from(origin: Path) -> None:
    """Replace the database's contents with the backup's (stop the app first)."""
    probe = sqlite3.connect(origin)
    try:
        if probe.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise click.ClickException("the backup file is damaged")
        tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "enterprises" not in tables:
            raise click.ClickException("this is not a backup of the registry")
        db.session.remove()
        db.engine.dispose()
        target = sqlite3.connect(sqlite_path(), timeout=current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        try:
            with target:
                probe.backup(target)
        finally:
            target.close()
    finally:
        probe.close()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the SQLite database to PATH (safe while the app runs)."""
    if path.exists():
        raise click.ClickException(f"{path} exists; choose a new file")
    backup_to(path)
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH. Stop the app first."""
    if not yes:
        click.confirm(f"Replace {sqlite_path()} with {path}?", abort=True)
    restore_from(path)
    click.echo(f"Restored from {path}")
