"""Who and what a write belongs to, readable by the write path without the web layer.

The request id ties every change-log row one request (or one CLI command, one import) writes together. It
lives on ``flask.g``: the web layer starts a fresh one before each request, and outside a request the
first write of an app context makes one, so a CLI command is one id.
"""

from __future__ import annotations

import uuid

from flask import g, has_app_context


def new_request_id() -> str:
    """Start a fresh request id for the current app context (a web request, a CLI command) and return it.

    Always made here: an id sent by a client (``X-Request-ID``) is never taken, or anyone could file their
    writes under another request's id, an import's say, and hide them in "what did this import change".
    """
    g.request_id = uuid.uuid4().hex
    return g.request_id


def current_request_id() -> str:
    """The id shared by every change-log row of the current request or command."""
    if not has_app_context():
        return uuid.uuid4().hex
    if "request_id" not in g:
        return new_request_id()
    return g.request_id
