"""Request-wide web helpers: a request id for the change log and template globals."""

from __future__ import annotations

import uuid

from flask import Flask, g, request
from flask_babel import get_locale

from . import enums


def request_id() -> str:
    """The id of the current request, shared by every change-log row it writes."""
    if "request_id" not in g:
        supplied = request.headers.get("X-Request-ID", "") if request else ""
        g.request_id = supplied[:36] if supplied.replace("-", "").isalnum() else uuid.uuid4().hex
    return g.request_id


def init_app(app: Flask) -> None:
    @app.after_request
    def _tag_response(response):
        response.headers.setdefault("X-Request-ID", request_id())
        return response

    @app.context_processor
    def _globals() -> dict:
        return {"enums": enums, "get_locale": get_locale}
