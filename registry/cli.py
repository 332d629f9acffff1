"""CLI commands that are not owned by one area: first-run set-up."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .extensions import db
from .models import Enterprise, User


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=True, help="Load the demo data when the registry is empty.")
def setup_command(demo: bool) -> None:
    """First run: load demo data into an empty registry, the seed's report outline when there is none, and
    create ``admin`` if there are no users.

    Safe to run on every start: it does nothing once there is data and a user.
    """
    from .auth.services import create_user
    from .demo import load_demo_data
    from .reports.workspace import lifecycle

    if demo and not db.session.scalar(select(func.count()).select_from(Enterprise)):
        click.echo("Loading demo data …")
        summary = load_demo_data()
        click.echo("Demo data: " + ", ".join(f"{table} {n}" for table, n in sorted(summary.items())))
    if lifecycle.latest_outline() is None:
        lifecycle.default_outline()
        click.echo("Created the report outline (the seed report's chapters and default texts).")
    if not db.session.scalar(select(func.count()).select_from(User)):
        _user, password = create_user(
            "admin", ["admin"], display_name="系统管理员", must_change_password=True
        )
        click.echo("Created the administrator account 'admin'. One-time password (shown only now):")
        click.echo(password)


def init_app(app: Flask) -> None:
    from .backup import backup_command, restore_command
    from .demo.cli import demo_data_command
    from .imports.cli import import_command
    from .reports.workspace.cli import report_cli
    from .synth import synth_command

    app.cli.add_command(import_command)
    app.cli.add_command(synth_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(report_cli)
