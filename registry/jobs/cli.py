"""``flask --app registry worker``: the consumer that runs queued jobs (``make worker``)."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from .queue import queue


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@with_appcontext
def worker_command(threads: int) -> None:
    """Run queued jobs (imports, large exports, report documents) until stopped (Ctrl-C, SIGTERM)."""
    from huey.consumer import Consumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    jobs = queue(current_app._get_current_object())
    click.echo(f"Jobs worker on {jobs.url.split('@')[-1]}, {threads} thread(s)")
    Consumer(jobs.huey, workers=threads, worker_type="thread", periodic=False).run()
