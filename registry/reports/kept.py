"""The summary's values kept per process (reports/counting.py): each indicator's value for a period, with the
data version it was read at and what its SQL reads (tables and columns). A kept value is given again while
nothing it reads has changed since — as ``data_changes`` records every committed write (registry/db.py) —
and read afresh otherwise: a tenancy recorded reads the tenancy counts again, not the certifications'.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Column, CompoundSelect, Select, Table, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression

from ..db import ANY, wrote
from ..extensions import db
from ..models import DataChange


@dataclass(frozen=True)
class Kept:
    version: int  # the data version the value was read at
    value: object
    reads: frozenset[str]  # tables and ``table.column``s, as data_changes names them; ``table.*``: all of it


def reads(clause) -> frozenset[str]:
    """The tables and the ``table.column``s a SQL expression reads (its subqueries' and WITH queries'
    included); ``{ANY}`` when it names no table.

    A table read only to look a key up — ``record.firm_id [NOT] IN (SELECT firm.id FROM firm WHERE …)``, the
    column a foreign key to that id — is named by the columns its WHERE reads, not as a table: a row added
    to it (or removed) cannot be one an existing record points to, so only a change to those columns moves
    the result (a record added that points to a new row is its own table's change)."""
    names: set[str] = set()
    stack = [(clause, False)]
    while stack:
        element, looked_up = stack.pop()
        lookup = _key_lookup(element)
        if lookup is not None:
            stack.append((element.left, looked_up))
            names.update(f"{key.table.name}.{key.name}" for query in lookup for key in query.selected_columns)
            stack.extend((query.whereclause, True) for query in lookup if query.whereclause is not None)
            continue
        if isinstance(element, Table):
            names.add(element.name)
        elif isinstance(element, Column) and isinstance(element.table, Table):
            names.add(f"{element.table.name}.{element.name}")
            if not looked_up:
                names.add(element.table.name)
        stack.extend((child, looked_up) for child in element.get_children())
    return frozenset(names) or frozenset({ANY})


def _key_lookup(element) -> list[Select] | None:
    """The SELECTs of ``column [NOT] IN (SELECT t.id FROM t WHERE … [UNION ALL …])`` when ``column`` is a
    foreign key to ``t.id`` (its primary key), else None."""
    if not isinstance(element, BinaryExpression) or element.operator not in (
        operators.in_op,
        operators.not_in_op,
    ):
        return None
    inner = getattr(element.right, "element", None)  # the ScalarSelect's SELECT
    selects = inner.selects if isinstance(inner, CompoundSelect) else [inner]
    left = element.left
    if not isinstance(left, Column):
        return None
    for query in selects:
        if not isinstance(query, Select) or query._limit_clause is not None or query._group_by_clauses:
            return None
        froms, columns = query.get_final_froms(), list(query.selected_columns)
        if len(froms) != 1 or not isinstance(froms[0], Table) or len(columns) != 1:
            return None
        key = columns[0]
        if not (isinstance(key, Column) and key.primary_key and key.table.name == froms[0].name):
            return None
        if not any(
            fk.column.table.name == froms[0].name and fk.column.name == key.name for fk in left.foreign_keys
        ):
            return None
    return selects


def _moves(change: str, reads: frozenset[str]) -> bool:
    """Whether a change (as data_changes names it) moves what ``reads`` names: anything, the table, the
    column, or any part of a table named ``table.*``."""
    return change == ANY or change in reads or f"{change.partition('.')[0]}.*" in reads


class KeptValues:
    """The latest periods' values read in this process (a bounded LRU of periods; threads share it)."""

    def __init__(self, size: int):
        self.size = size
        self.periods: OrderedDict = OrderedDict()  # (start, end) → {code: Kept}
        self.lock = threading.Lock()

    def fresh(self, period, codes: list[str]) -> dict[str, object]:
        """The kept values of ``codes`` for the period that nothing changed since (one small read)."""
        with self.lock:
            kept = self.periods.get(period)
            if kept is None:
                return {}
            self.periods.move_to_end(period)
            found = {code: kept[code] for code in codes if code in kept}
        if not found:
            return {}
        oldest = min(entry.version for entry in found.values())
        changes = db.session.execute(
            select(DataChange.name, DataChange.version).where(DataChange.version > oldest)
        ).all()
        return {
            code: entry.value
            for code, entry in found.items()
            if not any(version > entry.version and _moves(name, entry.reads) for name, version in changes)
        }

    def put(self, period, entries: dict[str, Kept]) -> None:
        with self.lock:
            kept = self.periods.setdefault(period, {})
            kept.update(entries)
            self.periods.move_to_end(period)
            while len(self.periods) > self.size:
                self.periods.popitem(last=False)


def kept_values() -> KeptValues | None:
    """This app's kept values; None when switched off (``SUMMARY_CACHE_SIZE`` 0)."""
    size = current_app.config["SUMMARY_CACHE_SIZE"]
    if not size:
        return None
    return current_app.extensions.setdefault("registry_kept_values", KeptValues(size))


def own_writes() -> bool:
    """Whether the session has changes not yet committed (counted by its own reads, never kept)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    return session.in_transaction() and wrote(session.connection())
