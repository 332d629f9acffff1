from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import load_demo_data


@click.command("demo-data")
@with_appcontext
def demo_data_command() -> None:
    """Reference data plus demo records reproducing the seed report's numbers (idempotent)."""
    summary = load_demo_data()
    if not any(summary.values()):
        click.echo("Demo data is already loaded; nothing added.")
        return
    click.echo("Demo data loaded: " + ", ".join(f"{table} {n}" for table, n in sorted(summary.items())))
