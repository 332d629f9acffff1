"""Signing in with an API token, and when a token was last used: noted at most once a minute, after the
response, never on a read's path.

Signing in with a token is one read (the token joined to its user, :func:`token_sign_in`), which also returns
the token's ``last_used_at``. Only when that is a minute old or more is
an UPDATE due, and it runs once the response has been sent (``response.call_on_close``), so an API read
never opens a write transaction on its own path (on SQLite every write takes the one write lock).

Two guards keep it to once a minute:

- the UPDATE's own condition (``last_used_at`` null or a minute old): across every worker and process,
  the column moves at most once a minute, however many requests raced to note the same use;
- a per-process note of when each token was last scheduled, so the requests a worker serves while its
  UPDATE is pending (or just done) do not queue more. It is a hint only: a worker that has not seen the
  token relies on the row's ``last_used_at``, and a worker restart forgets nothing that matters.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload

from ..db import WRITE_OPTION
from ..extensions import db
from ..models import ApiToken, User, utcnow

INTERVAL = timedelta(minutes=1)

_noted: dict[int, datetime] = {}  # token id → when this process last scheduled its UPDATE
_lock = threading.Lock()
log = logging.getLogger(__name__)


@dataclass
class TokenSignIn:
    user: User
    token_id: int
    last_used_at: datetime | None


def token_sign_in(token: str) -> TokenSignIn | None:
    """The active user an unrevoked API token belongs to, with the token's id and last use: one statement
    (the token joined to its user and the user's roles), nothing written."""
    row = (
        db.session.execute(
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None))
            .where(User.active.is_(True))
            .options(joinedload(User.role_rows))
        )
        .unique()
        .first()
    )
    return None if row is None else TokenSignIn(*row)


def user_for_token(token: str) -> User | None:
    signed_in = token_sign_in(token)
    return None if signed_in is None else signed_in.user


def clock() -> datetime:
    """Now, in UTC as stored (a seam for tests that move time)."""
    return utcnow()


def due(token_id: int, last_used_at: datetime | None, now: datetime) -> bool:
    """Whether this use should be recorded; claims the token for this process's next minute if so."""
    if last_used_at is not None and now - last_used_at < INTERVAL:
        return False
    with _lock:
        noted = _noted.get(token_id)
        if noted is not None and now - noted < INTERVAL:
            return False
        _noted[token_id] = now
    return True


def record_after(response: Response, engine: Engine, token_id: int, now: datetime) -> Response:
    """Record the use once ``response`` is sent (outside the request's transaction and time)."""
    response.call_on_close(lambda: record(engine, token_id, now))
    return response


def record(engine: Engine, token_id: int, now: datetime) -> None:
    """The UPDATE, in a short write transaction of its own; a failure is logged, never raised (the
    response is gone, and a missed note is noted again a minute later)."""
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection, connection.begin():
            connection.execute(
                update(ApiToken)
                .where(ApiToken.id == token_id)
                .where(ApiToken.last_used_at.is_(None) | (ApiToken.last_used_at <= now - INTERVAL))
                .values(last_used_at=now)
            )
    except Exception:  # after the response there is no one to tell but the log
        log.exception("could not record the use of API token %s", token_id)
        with _lock:
            _noted.pop(token_id, None)


def forget() -> None:
    """Drop this process's notes (tests start each from a clean slate)."""
    with _lock:
        _noted.clear()
