"""The change log of DESIGN.md §6: one row per create, update, archive or restore, in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ..bulk import insert_rows
from ..domain.text import CONTROL
from ..extensions import db
from ..models import ChangeLog, User
from .context import current_request_id


def plain(value):
    """A JSON value for the log: dates as ISO text, money as text, sets as sorted lists."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple, list)):
        return sorted(plain(v) for v in value)
    return value


def diff(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields whose value changed."""
    if not before:  # a new record: the fields it fills
        return {key: [None, new] for key in sorted(after) if (new := plain(after[key])) is not None}
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = plain(before.get(key)), plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def change_row(
    action: str,
    object_type: str,
    record,
    changes: dict,
    user: User | None,
    enterprise_id: int | None,
    label: str | None = None,
) -> dict:
    """The values of one change-log row."""
    return {
        "user_id": user.id if user is not None else None,
        "user_name": (user.display_name or user.username) if user is not None else "系统",
        "request_id": current_request_id(),
        "action": action,
        "object_type": object_type,
        "object_id": record.id if record is not None else None,
        "label": CONTROL.sub("", label or str(record))[:300] if record is not None or label else None,
        "enterprise_id": enterprise_id,
        "changes": changes,
    }


def log_change(*args, **kwargs) -> ChangeLog:
    """Add the change-log row :func:`change_row` makes of the same arguments to the session."""
    row = ChangeLog(**change_row(*args, **kwargs))
    db.session.add(row)
    return row


def log_changes(rows: list[dict]) -> None:
    """Many change-log rows (from :func:`change_row`) in one statement: a bulk import's batch."""
    if rows:  # the table's rows are plain values, with nothing for the ORM to track
        insert_rows(db.session.connection(), ChangeLog, rows)
