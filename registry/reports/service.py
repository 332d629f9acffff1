"""Report services: the summary with last year's values, drill-down lists, snapshots, chart data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import distinct, func, or_, select, tuple_

from ..certifications.validity import held_on
from ..db import write_transaction
from ..domain.text import CONTROL
from ..extensions import db
from ..models import (
    Certification,
    CertificationKind,
    ChangeLog,
    EnterpriseFounderGroup,
    PledgeLoan,
    ReportSnapshot,
    Tenancy,
    User,
)
from ..records import catalog
from ..records.errors import NotFound, PermissionDenied
from . import conditions, moves
from . import indicators as ind
from .periods import Period

SNAPSHOT_ROLES = ("admin", "report_writer")


@dataclass
class Row:
    indicator: ind.Indicator
    value: object
    previous: object

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def summary(period: Period) -> list[Row]:
    """Every indicator with its value and the same period a year earlier (three statements in all)."""
    indicators = ind.all_indicators()
    now = ind.values(indicators, period.start, period.end)
    before = period.previous_year()
    then = ind.values(indicators, before.start, before.end)
    return [Row(i, now[i.code], then[i.code]) for i in indicators]


def plain_number(value):
    return str(value) if isinstance(value, Decimal) else value


# ---- the records behind a number --------------------------------------------------------------------
# An indicator's record_type names a record type: it gives the table, the loader options, each record's line
# and its page. For a 家 indicator the records are the enterprises, each shown with the records of its
# ``via`` record type that put it there.
@dataclass
class DrillRow:
    record: object  # what is counted: the enterprise, for a 家 indicator
    via: list = field(default_factory=list)  # the records that put it there (the indicator's ``via``)


def _record_type(indicator: ind.Indicator):
    return catalog.get(indicator.record_type)


def _via_type(indicator: ind.Indicator):
    return catalog.get(indicator.via.record_type) if indicator.via else None


def records_query(indicator: ind.Indicator, period: Period):
    record_type = _record_type(indicator)
    ids = indicator.records(period.start, period.end).subquery()
    model = record_type.model
    return select(model).where(model.id.in_(select(ids.c[0]))).options(*record_type.drill_options())


def _via_records(indicator: ind.Indicator, period: Period, ids: list[int]) -> dict[int, list]:
    """The ``via`` records of the counted ids, in one statement: {counted id: [record, …]}."""
    via_type = _via_type(indicator)
    if via_type is None or not ids:
        return {}
    model = via_type.model
    pairs = indicator.via.pairs(period.start, period.end).subquery()
    query = (
        select(pairs.c.id, model)
        .join(model, model.id == pairs.c.record_id)
        .where(pairs.c.id.in_(ids))
        .order_by(pairs.c.id, model.id)
        .options(*via_type.drill_options())
    )
    found: dict[int, list] = {}
    for counted_id, record in db.session.execute(query).unique():
        found.setdefault(counted_id, []).append(record)
    return found


def _rows(indicator: ind.Indicator, period: Period, records: list) -> list[DrillRow]:
    via = _via_records(indicator, period, [r.id for r in records])
    return [DrillRow(r, via.get(r.id, [])) for r in records]


def drill_page(indicator: ind.Indicator, period: Period, after: int | None, size: int = 50):
    """A page of the records behind the indicator, by id (paging by key), each with its ``via`` records,
    and the total count: three statements, whatever the page holds."""
    model = _record_type(indicator).model
    query = records_query(indicator, period).order_by(model.id)
    if after:
        query = query.where(model.id > after)
    records = list(db.session.scalars(query.limit(size + 1)).unique())
    more = len(records) > size
    records = records[:size]
    count = db.session.scalar(
        select(func.count()).select_from(indicator.records(period.start, period.end).subquery())
    )
    return _rows(indicator, period, records), (records[-1].id if more else None), count


def all_rows(indicator: ind.Indicator, period: Period, batch: int = 1000):
    """Every record behind the indicator with its ``via`` records, fetched in batches by id (exports
    stream them): two statements a batch."""
    model = _record_type(indicator).model
    after = 0
    while True:
        records = list(
            db.session.scalars(
                records_query(indicator, period).where(model.id > after).order_by(model.id).limit(batch)
            ).unique()
        )
        yield from _rows(indicator, period, records)
        if len(records) < batch:
            return
        after = records[-1].id


def all_records(indicator: ind.Indicator, period: Period, batch: int = 1000):
    """Every record behind the indicator (the enterprises, for a 家 indicator), in batches by id."""
    for row in all_rows(indicator, period, batch):
        yield row.record


def label(indicator: ind.Indicator, record) -> str:
    return _record_type(indicator).drill_label(record)


def link(indicator: ind.Indicator, record):
    return _record_type(indicator).record_page(record)


def via_line(indicator: ind.Indicator, record) -> str:
    """A ``via`` record's line under the row it put there (which names the firm or town)."""
    return _via_type(indicator).drill_line(record)


def via_link(indicator: ind.Indicator, record):
    return _via_type(indicator).record_page(record)


def ids_of(indicator: ind.Indicator, period: Period) -> list[int]:
    return sorted(db.session.scalars(indicator.records(period.start, period.end)))


# ---- snapshots ------------------------------------------------------------------------------------------
def freeze(user: User | None, period: Period, title: str) -> ReportSnapshot:
    """Store every value and the ids behind it, with who and when; later edits leave it as it was."""
    if user is not None and not user.has_role(*SNAPSHOT_ROLES):
        raise PermissionDenied()
    title = CONTROL.sub("", title or "").strip()[:200] or _(
        "%(start)s至%(end)s统计", start=period.start, end=period.end
    )
    indicators = ind.all_indicators()
    current = ind.values(indicators, period.start, period.end)
    frozen = [
        {
            "code": i.code,
            "section": i.section,
            "label": str(i.label),
            "unit": str(i.unit),
            "value": plain_number(current[i.code]),
            "record_type": i.record_type,
            "ids": ids_of(i, period),
        }
        for i in indicators
    ]
    with write_transaction():
        snapshot = ReportSnapshot(
            title=title,
            start=period.start,
            end=period.end,
            created_by_id=user.id if user else None,
            values=frozen,
        )
        db.session.add(snapshot)
        db.session.flush()
        from ..records.changelog import log_change

        log_change(
            "create",
            "report_snapshot",
            snapshot,
            {"title": [None, title], "period": [None, f"{period.start}–{period.end}"]},
            user,
            None,
            title,
        )
    return snapshot


def compare(snapshot: ReportSnapshot) -> dict:
    """Today's values beside the frozen ones, with why each number moved, and the changes since to the
    records behind them."""
    return {"rows": compared_rows(snapshot), "changes": changes_since(snapshot)}


def compared_rows(snapshot: ReportSnapshot) -> list[dict]:
    """Each frozen row with today's value (``now``), whether it differs and, for a number whose value or
    records moved, why (``moves``: a :class:`moves.Movement`)."""
    period = Period(snapshot.start, snapshot.end)
    indicators = {i.code: i for i in ind.all_indicators()}
    today = ind.values(list(indicators.values()), period.start, period.end)
    rows = []
    for frozen in snapshot.values:
        now = today.get(frozen["code"])
        now_plain = plain_number(now) if now is not None else None
        rows.append(frozen | {"now": now_plain, "differs": str(now_plain) != str(frozen["value"])})
    movements = moves.explain(snapshot, indicators, rows)
    for row in rows:
        row["moves"] = movements.get(row["code"])
    return rows


def changes_since(snapshot: ReportSnapshot, limit: int = 200) -> list[ChangeLog]:
    """The latest change-log entries since the snapshot about the records behind its numbers."""
    pairs = {(f["record_type"], i) for f in snapshot.values for i in f["ids"]}
    if not pairs:
        return []
    firms = {i for (kind, i) in pairs if kind == "enterprise"}
    return db.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.at > snapshot.created_at)
        .where(
            or_(
                tuple_(ChangeLog.object_type, ChangeLog.object_id).in_(sorted(pairs)),
                ChangeLog.enterprise_id.in_(sorted(firms) or [-1]),
            )
        )
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(limit)
    ).all()


def compare_json(snapshot: ReportSnapshot) -> dict:
    """The comparison for the API: every frozen indicator, today's value and what moved behind it."""
    rows = compared_rows(snapshot)
    empty = moves.Movement().as_json()
    return {
        "id": snapshot.id,
        "title": snapshot.title,
        "start": snapshot.start.isoformat(),
        "end": snapshot.end.isoformat(),
        "created_at": snapshot.created_at.isoformat(timespec="seconds"),
        "indicators": [
            {
                "code": row["code"],
                "label": row["label"],
                "unit": row["unit"],
                "record_type": row.get("record_type"),
                "frozen": row["value"],
                "now": row["now"],
                "differs": row["differs"],
            }
            | (row["moves"].as_json() if row["moves"] else empty)
            for row in rows
        ],
    }


def get_snapshot(snapshot_id: int) -> ReportSnapshot:
    snapshot = db.session.get(ReportSnapshot, snapshot_id)
    if snapshot is None:
        raise NotFound()
    return snapshot


# ---- charts -------------------------------------------------------------------------------------------
def loans_by_month(period: Period):
    """SQL: (month "YYYY-MM", loans, amount) for the loans the report counts, so the chart adds up to them."""
    month = func.substr(func.cast(PledgeLoan.registered_on, db.String), 1, 7)
    return (
        select(month, func.count(), func.coalesce(func.sum(PledgeLoan.amount_wan), 0))
        .where(PledgeLoan.id.in_(conditions.loans_registered(period.start, period.end)))
        .group_by(month)
        .order_by(month)
    )


def chart_data(period: Period) -> dict:
    """Small aggregates for the report's charts (GROUP BY in SQL)."""
    from ..enums import FounderGroup, Level

    # Firms, as the indicators count them: each once, however many tenancies or certificates it has.
    active = conditions.active_tenancy(period.end)
    groups = dict(
        db.session.execute(
            select(EnterpriseFounderGroup.founder_group, func.count(distinct(Tenancy.enterprise_id)))
            .join(Tenancy, Tenancy.enterprise_id == EnterpriseFounderGroup.enterprise_id)
            .where(active)
            .group_by(EnterpriseFounderGroup.founder_group)
        ).all()
    )
    valid = db.session.execute(
        select(CertificationKind.name, Certification.level, func.count(distinct(Certification.enterprise_id)))
        .join(CertificationKind, CertificationKind.code == Certification.kind)
        .where(
            conditions.enterprise_exists_on(Certification.enterprise_id, period.end),
            held_on(period.end),
        )
        .group_by(CertificationKind.name, Certification.level)
        .order_by(CertificationKind.name)
    ).all()
    loans = db.session.execute(loans_by_month(period)).all()
    kinds = sorted({name for name, _level, _n in valid})
    levels = [lv for lv in Level.codes() if any(level == lv for _n, level, _c in valid)]
    return {
        "founder_groups": {
            "labels": [str(g.label) for g in FounderGroup],
            "values": [groups.get(g.value, 0) for g in FounderGroup],
        },
        "certifications": {
            "kinds": kinds,
            "series": [
                {
                    "name": str(Level.label_of(lv)),
                    "values": [
                        next((n for name, level, n in valid if name == kind and level == lv), 0)
                        for kind in kinds
                    ],
                }
                for lv in levels
            ],
        },
        "loans": {
            "months": [m for m, _n, _s in loans],
            "counts": [n for _m, n, _s in loans],
            "amounts": [float(s) for _m, _n, s in loans],
            "names": {"amount": _("金额(万元)"), "count": _("贷款笔数"), "wan": _("万元"), "loans": _("笔")},
        },
    }


def today() -> date:
    return date.today()
