"""How an indicator is counted (DESIGN.md §4): its unit, its records, and the summary's one statement.

An indicator declares what it counts (``records(start, end)`` → a SELECT of their ids) and how its value is
made from them (a count, or a sum of a column). The definitions themselves are reports/indicators.py.

Rows several indicators count are read once. An indicator may be a *member* of a :class:`Shared` set: the
set's rows (the firm, the record, and the columns the members tell apart by) are a WITH query of the
summary's statement, read once however many members narrow it; a member's records and drill-down pairs are
the same narrowing of the same rows, so the value and the list behind it cannot disagree.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import DataVersion
from ..records import catalog
from .kept import Kept, kept_values, own_writes, reads


@dataclass(frozen=True)
class Unit:
    """What an indicator counts, by its counting word (DESIGN.md §4's unit column)."""

    code: str
    label: object  # the word shown beside the value, in the reader's language

    def __str__(self) -> str:
        return str(self.label)


FIRMS = Unit("家", _l("家"))
ITEMS = Unit("个", _l("个"))
LOANS = Unit("笔", _l("笔"))
EVENTS = Unit("次", _l("次"))
SESSIONS = Unit("场", _l("场"))
WAN = Unit("万元", _l("万元"))

Query = Callable[[date, date], Select]
Narrowing = Callable[..., list]  # (the shared rows' columns, start, end) → conditions on them


@dataclass(frozen=True)
class Via:
    """The records that put each counted thing into an indicator: (id, record_id) pairs for the period,
    ``id`` the counted thing's (the enterprise's, for a 家 indicator) and ``record_id`` one of its records of
    ``record_type`` (a tenancy, a certification …). A thing with several such records is one pair each."""

    record_type: str
    pairs: Query


@dataclass(frozen=True)
class Shared:
    """Rows several 家 indicators count, read once per summary statement: ``rows(start, end)`` selects
    ``id`` (the firm), ``record_id`` (its record) and the columns the members narrow on."""

    name: str
    rows: Query


@dataclass(frozen=True)
class Member:
    shared: Shared
    narrow: Narrowing

    def pairs(self, start: date, end: date) -> Select:
        rows = self.shared.rows(start, end).subquery(self.shared.name)
        return select(rows.c.id, rows.c.record_id).where(*self.narrow(rows.c, start, end))


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    unit: Unit
    record_type: str  # what is counted: ``enterprise`` for every 家 indicator; a loan, a town, …
    records: Query  # the ids of those, for the period (each once)
    via: Via | None = None  # the records behind each counted one, when they are other records
    sum_of: object | None = None  # a column of record_type's table to add up instead of counting
    member: Member | None = None  # counted from a shared set's rows (the summary reads them once)
    # The value as SQL of the period when a cheaper form of "how many records" exists (the same number: the
    # tests compare it with the records' count).
    count: Callable[[date, date], object] | None = None
    # What the indicator itself is made from (a tag's, from its row in ``tags``: "tags.*", any change to the
    # table), which reads its kept value again though its SQL does not read it.
    defined_by: frozenset[str] = frozenset()
    # What tells apart two indicators of one code made from different rows (a tag's id): the statement read
    # for a period is kept by the codes and this.
    identity: tuple = ()

    @property
    def counts_firms(self) -> bool:
        return self.unit.code == FIRMS.code

    def value(self, start: date, end: date, shared: dict | None = None):
        """A scalar SQL expression of the value for the period; ``shared`` maps a shared set's name to its
        rows as a WITH query of the statement."""
        if self.member is not None and shared is not None:
            rows = shared[self.member.shared.name]
            return (
                select(func.count(rows.c.id.distinct()))
                .where(*self.member.narrow(rows.c, start, end))
                .scalar_subquery()
            )
        if self.count is not None:
            return self.count(start, end)
        ids = self.records(start, end).subquery()
        if self.sum_of is None:
            return select(func.count()).select_from(ids).scalar_subquery()
        model = catalog.get(self.record_type).model
        return (
            select(func.coalesce(func.sum(self.sum_of), 0))
            .where(model.id.in_(select(ids.c[0])))
            .scalar_subquery()
        )


def distinct_ids(query: Query) -> Query:
    """The counted ids of a pairs query, each once."""

    def ids(start: date, end: date) -> Select:
        rows = query(start, end)
        return rows.with_only_columns(rows.selected_columns.id).distinct()

    return ids


def firms(code: str, section: str, label, ids: Query, count=None) -> Indicator:
    """A 家 indicator read from the enterprises themselves (their own fields, tags …)."""
    return Indicator(code, section, label, FIRMS, "enterprise", ids, count=count)


def firms_via(code: str, section: str, label, record_type: str, query: Query) -> Indicator:
    """A 家 indicator made of other records: ``query`` gives (enterprise id, record id) pairs of
    ``record_type``; the value is the number of distinct enterprises among them."""
    return Indicator(code, section, label, FIRMS, "enterprise", distinct_ids(query), Via(record_type, query))


def firms_in(
    code: str, section: str, label, record_type: str, shared: Shared, narrow: Narrowing
) -> Indicator:
    """A 家 indicator counted from ``shared``'s rows narrowed by ``narrow`` (records of ``record_type``)."""
    member = Member(shared, narrow)
    return replace(firms_via(code, section, label, record_type, member.pairs), member=member)


def values(indicators: list[Indicator], start: date, end: date) -> dict[str, object]:
    """Every indicator's value for the period, in one SQL statement (each shared set a WITH query).

    Values are kept (reports/kept.py) and given again while nothing they read has changed: only the
    indicators whose tables or columns a committed write changed since are read again, in one statement. A
    session that has written and not committed reads all afresh (its own changes are not in any kept value)."""
    if not indicators:
        return {}
    period = (start, end)
    kept = kept_values() if not own_writes() else None
    found = kept.fresh(period, [i.code for i in indicators]) if kept is not None else {}
    stale = [indicator for indicator in indicators if indicator.code not in found]
    if stale:
        version, read = _read(stale, start, end)
        found.update(read)
        if kept is not None and version is not None:
            kept.put(period, {i.code: Kept(version, read[i.code], _reads(i, start, end)) for i in stale})
    return {indicator.code: found[indicator.code] for indicator in indicators}


def _read(indicators: list[Indicator], start: date, end: date) -> tuple[int | None, dict[str, object]]:
    """The indicators' values and the data version they were read at, in one statement."""
    row = db.session.execute(_statement(indicators, start, end)).one()
    return row.version, {ind.code: row[i + 1] for i, ind in enumerate(indicators)}


_STATEMENTS: OrderedDict = OrderedDict()  # (start, end, the indicators' codes and identities) → statement
_STATEMENTS_KEPT = 32
_STATEMENTS_LOCK = threading.Lock()


def _statement(indicators: list[Indicator], start: date, end: date) -> Select:
    """The one statement reading the indicators' values for the period. The same values of the same period
    are read again after each write that moves them, so the statement is built once and kept (a few, the
    latest used): building it and its cache key costs more than some of the values it reads."""
    key = (start, end, tuple((ind.code, ind.identity) for ind in indicators))
    with _STATEMENTS_LOCK:
        statement = _STATEMENTS.get(key)
        if statement is not None:
            _STATEMENTS.move_to_end(key)
            return statement
    shared = {}
    for indicator in indicators:
        if indicator.member is not None and indicator.member.shared.name not in shared:
            rows = indicator.member.shared
            shared[rows.name] = rows.rows(start, end).cte(rows.name)
    version = select(DataVersion.counter).where(DataVersion.id == 1).scalar_subquery()
    statement = select(
        version.label("version"),
        *[ind.value(start, end, shared).label(f"v{i}") for i, ind in enumerate(indicators)],
    )
    with _STATEMENTS_LOCK:
        _STATEMENTS[key] = statement
        while len(_STATEMENTS) > _STATEMENTS_KEPT:
            _STATEMENTS.popitem(last=False)
    return statement


_READS: dict[str, frozenset[str]] = {}


def _reads(indicator: Indicator, start: date, end: date) -> frozenset[str]:
    """What the indicator's value reads (its own records' SQL, the shared set's included): the same tables
    and columns for every period (the dates are the SQL's parameters), found once per process."""
    found = _READS.get(indicator.code)
    if found is None:
        found = _READS[indicator.code] = reads(indicator.value(start, end)) | indicator.defined_by
    return found
