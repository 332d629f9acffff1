"""Lookups remembered for the length of one bulk run (an import), so 100,000 rows naming the same town
ask the database once.

Outside :func:`lookups_memoised` nothing is remembered: a form or an API call always reads fresh rows.
Inside, a lookup's answer — a found id or the error it raised — is reused for the same question. A run
holds the write lock from start to end, so the answers cannot change under it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..domain import InputError

_memo: ContextVar[dict | None] = ContextVar("lookup_memo", default=None)


@contextmanager
def lookups_memoised() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoised(key: Hashable, compute: Callable[[], object]):
    """``compute()``, or inside a bulk run the answer it gave last time for ``key`` (errors included)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        try:
            memo[key] = (True, compute())
        except InputError as error:
            memo[key] = (False, error)
    found, value = memo[key]
    if not found:
        raise InputError(value.message, value.code)
    return value
