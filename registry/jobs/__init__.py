"""Jobs: long work run off the request by a worker, its progress and result readable by every worker.

The queue is Huey's (queue.py): SQLite beside the instance folder by default (no service to run; the web
processes start a consumer thread of their own), Redis in production (``REGISTRY_JOBS_URL=redis://…`` and
``make worker``). What each job is and how far it got is a row of the ``jobs`` table (db.py, service.py);
each kind of work registers how it runs and how its result is shown (kinds.py).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import db, queue
    from .cli import worker_command
    from .routes import bp

    db.init_app(app)
    queue.init_app(app)
    app.cli.add_command(worker_command)
    app.register_blueprint(bp)
