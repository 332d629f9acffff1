"""Request-wide web helpers: the request id's start, security headers, template globals and the URL's ids."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from .. import enums
from ..domain.values import DB_INT_MAX
from ..records.context import current_request_id, new_request_id

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

# No inline scripts anywhere (every script is a file under /static); styles may be inline (charts, Bootstrap).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class RecordId(IntegerConverter):
    """``<int:…>`` in a route: a record's id. A number past the database's INTEGER range names no record:
    more than ten digits match no route, and a ten-digit one past the range is read as 0, which no record
    has, so every method answers 404 (failing the conversion instead would make werkzeug answer 405 to a
    method whose rule comes later), never a number the database cannot bind."""

    regex = r"\d{1,10}"

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= DB_INT_MAX else 0


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RecordId  # before any blueprint adds its routes

    @app.before_request
    def _start_request_id() -> None:
        # Made on the server for every request; the response carries it, so a client can still quote it.
        new_request_id()

    @app.after_request
    def _tag_response(response):
        response.headers.setdefault("X-Request-ID", current_request_id())
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    from ..audit.display import ACTION_LABELS, OBJECT_LABELS, change_rows, describe
    from .list_view import filter_fields
    from .outcomes import url_with

    # Globals (not a context processor) so imported macros see them too.
    app.jinja_env.globals.update(
        enums=enums,
        get_locale=get_locale,
        url_with=url_with,
        filter_fields=filter_fields,
        change_rows=change_rows,
        describe_changes=describe,
        action_labels=ACTION_LABELS,
        object_labels=OBJECT_LABELS,
    )

    @app.template_filter("localtime")
    def _localtime(value) -> str:
        """A stored UTC time shown in the county's time zone."""
        if value is None:
            return ""
        return value.replace(tzinfo=UTC).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")

    @app.template_test("date")
    def _is_date(value) -> bool:
        return isinstance(value, date)

    @app.template_filter("money")
    def _money(value) -> str:
        return "" if value is None else f"{value:,.2f}"
