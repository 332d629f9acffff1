"""Why a frozen number moved: for each indicator whose value or records differ between a snapshot and today,
the records that entered and left it, each with the change-log entries since the snapshot that explain it.

An entry explains a record when it is about the record itself; about a record written under it (a candidate's
stage); about its enterprise, for a record that belongs to one (archiving the firm takes its records out); or,
for an enterprise, about any record naming the firm as its related enterprise or among its participants.
A record that moved with no such entry moved by a change of the rules or of data outside the change log.

Everything is read in a constant number of statements, whatever the number of moved records: today's records of
every indicator (one statement), the change-log entries of all moved records (one), the moved records of each
record type (one per record type) and the names the entries refer to (one per referenced table, as the change
log's pages read them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, and_, literal, or_, select, union_all

from ..audit.display import change_rows, describe
from ..extensions import db
from ..models import ChangeLog, Enterprise, ReportSnapshot
from ..records import catalog
from ..records.fields import Date
from . import indicators as ind
from .movement import REASONS, FieldChange, Moved, Movement, Reason

SHOWN = 50  # records listed on each side of one indicator; the counts say how many more moved

Key = tuple[str, int]  # (record type, id)


# ---- today's records ---------------------------------------------------------------------------------
def current_ids(indicators: list[ind.Indicator], start, end) -> dict[str, set[int]]:
    """The ids of the records behind every indicator, in one statement (a UNION ALL of their queries)."""
    if not indicators:
        return {}
    parts = []
    for n, indicator in enumerate(indicators):
        records = indicator.records(start, end).subquery(f"r{n}")
        parts.append(select(literal(n, Integer).label("n"), records.c[0].label("id")))
    found: dict[str, set[int]] = {indicator.code: set() for indicator in indicators}
    for n, record_id in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        found[indicators[n].code].add(record_id)
    return found


def _frozen_ids(frozen_rows: list[dict], indicators: dict[str, ind.Indicator]) -> dict[str, set[int] | None]:
    """Each snapshot row's ids as records of the indicator's record type today. A snapshot taken when a 家
    indicator still listed its firm's records (tenancies, certifications) reads them as their enterprises (one
    statement per such record type); ids of another record type that has no firm cannot be compared (None)."""
    out: dict[str, set[int] | None] = {}
    to_firms: dict[str, set[int]] = {}
    for row in frozen_rows:
        then = row.get("record_type") or indicators[row["code"]].record_type
        now = indicators[row["code"]].record_type
        if then == now:
            out[row["code"]] = set(row["ids"])
        elif now == "enterprise" and _firm_column(then) is not None:
            to_firms.setdefault(then, set()).update(row["ids"])
        else:
            out[row["code"]] = None
    firm_of: dict[str, dict[int, int]] = {}
    for name, ids in to_firms.items():
        model = catalog.get(name).model
        query = select(model.id, model.enterprise_id).where(model.id.in_(sorted(ids)))
        firm_of[name] = {record_id: firm for record_id, firm in db.session.execute(query)}
    for row in frozen_rows:
        then = row.get("record_type")
        if then in firm_of and row["code"] not in out:
            out[row["code"]] = {firm_of[then][i] for i in row["ids"] if firm_of[then].get(i) is not None}
    return out


def _firm_column(name: str):
    """The enterprise column of a record type's table, for a record type whose records belong to a firm."""
    record_type = catalog.get(name)
    if record_type is None or name == "enterprise":
        return None
    return record_type.model.__table__.c.get("enterprise_id")


# ---- the explanation -----------------------------------------------------------------------------------
@dataclass
class _Plan:
    record_type: str
    entered: list[int]
    left: list[int]
    entered_count: int
    left_count: int
    common: set[int]  # for a sum: the records on both sides, whose value may have changed
    sum_field: str | None
    comparable: bool = True


def explain(
    snapshot: ReportSnapshot, indicators: dict[str, ind.Indicator], rows: list[dict]
) -> dict[str, Movement]:
    """For each compared row (a frozen indicator with ``now``) whose value or records differ: its Movement."""
    frozen_rows = [row for row in rows if row["code"] in indicators]
    today = current_ids([indicators[row["code"]] for row in frozen_rows], snapshot.start, snapshot.end)
    then = _frozen_ids(frozen_rows, indicators)
    plans: dict[str, _Plan] = {}
    for row in frozen_rows:
        indicator = indicators[row["code"]]
        before, now = then[row["code"]], today[row["code"]]
        if before is None:
            if row["differs"]:
                plans[row["code"]] = _Plan(indicator.record_type, [], [], 0, 0, set(), None, comparable=False)
            continue
        if before == now and not row["differs"]:
            continue
        entered, left = sorted(now - before), sorted(before - now)
        sum_field = indicator.sum_of.key if indicator.sum_of is not None and row["differs"] else None
        plans[row["code"]] = _Plan(
            indicator.record_type,
            entered[:SHOWN],
            left[:SHOWN],
            len(entered),
            len(left),
            before & now if sum_field else set(),
            sum_field,
        )
    if not plans:
        return {}
    moved: set[Key] = {(p.record_type, i) for p in plans.values() for i in p.entered + p.left}
    summed = {p.record_type for p in plans.values() if p.sum_field}
    entries = describe(_entries(snapshot, moved, summed))
    changed = _changed(plans, entries)
    records = _records(moved | {key for keys in changed.values() for key in keys})
    reasons = _reasons(entries, records)

    def listed(name: str, ids: Iterable[int]) -> list[Moved]:
        return [_moved(name, i, records.get((name, i)), reasons.get((name, i))) for i in ids]

    return {
        code: Movement(
            entered=listed(plan.record_type, plan.entered),
            left=listed(plan.record_type, plan.left),
            entered_count=plan.entered_count,
            left_count=plan.left_count,
            changed=listed(plan.record_type, sorted(i for _t, i in changed.get(code, ()))),
            comparable=plan.comparable,
        )
        for code, plan in plans.items()
    }


def _entries(snapshot: ReportSnapshot, moved: set[Key], summed: set[str]) -> list[ChangeLog]:
    """Every change-log entry since the snapshot that may explain a moved record, in one statement."""
    by_type: dict[str, set[int]] = {}
    for name, record_id in moved:
        by_type.setdefault(name, set()).add(record_id)
    firms = by_type.get("enterprise", set())
    about = [
        and_(ChangeLog.object_type == name, ChangeLog.object_id.in_(sorted(ids)))
        for name, ids in by_type.items()
    ]
    if firms:
        # Any record naming one of the firms as its related enterprise; and the records that name several
        # firms (a training's participants), sorted out by their values below.
        about.append(ChangeLog.enterprise_id.in_(sorted(firms)))
        several = [t.name for t in catalog.record_types() if t.history_names_other_firms]
        if several:
            about.append(ChangeLog.object_type.in_(several))
    for name, ids in by_type.items():
        column = _firm_column(name)
        if column is not None:
            # The firm a moved record belongs to (the firm itself and the records written under this one).
            owners = select(column).where(catalog.get(name).model.id.in_(sorted(ids)))
            kinds = ["enterprise", *(child.name for child in catalog.children_of(name))]
            about.append(and_(ChangeLog.enterprise_id.in_(owners), ChangeLog.object_type.in_(kinds)))
    about += [ChangeLog.object_type == name for name in sorted(summed)]
    if not about:
        return []
    return list(
        db.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.at > snapshot.created_at, or_(*about))
            .order_by(ChangeLog.at, ChangeLog.id)
        )
    )


def _changed(plans: dict[str, _Plan], entries: list[ChangeLog]) -> dict[str, set[Key]]:
    """For a sum whose value moved: its records on both sides whose added-up field an entry changed."""
    out: dict[str, set[Key]] = {}
    for code, plan in plans.items():
        if plan.sum_field is None:
            continue
        out[code] = {
            (plan.record_type, entry.object_id)
            for entry in entries
            if entry.object_type == plan.record_type
            and entry.object_id in plan.common
            and plan.sum_field in (entry.changes or {})
        }
    return out


def _records(keys: set[Key]) -> dict[Key, object]:
    """The records, archived ones too, with what their lines need: one statement per record type."""
    by_type: dict[str, set[int]] = {}
    for name, record_id in keys:
        by_type.setdefault(name, set()).add(record_id)
    found = {}
    for name, ids in by_type.items():
        record_type = catalog.get(name)
        if record_type is None:
            continue
        model = record_type.model
        query = select(model).where(model.id.in_(sorted(ids))).options(*record_type.drill_options())
        for record in db.session.scalars(query).unique():
            found[(name, record.id)] = record
    return found


def _reasons(entries: list[ChangeLog], records: dict[Key, object]) -> dict[Key, list[Reason]]:
    """Each loaded record's entries, oldest first."""
    owned_by: dict[int, list[Key]] = {}  # a firm → the loaded records of other record types that belong to it
    for (name, record_id), record in records.items():
        if _firm_column(name) is not None:
            owned_by.setdefault(record.enterprise_id, []).append((name, record_id))
    children = {name: {c.name for c in catalog.children_of(name)} for name, _id in records}
    out: dict[Key, list[Reason]] = {}
    for entry in entries:
        explained: list[Key] = []
        own = (entry.object_type, entry.object_id)
        if own in records:
            explained.append(own)
        if entry.enterprise_id is not None:
            firm = ("enterprise", entry.enterprise_id)
            if firm in records and firm != own:
                explained.append(firm)
            for key in owned_by.get(entry.enterprise_id, ()):
                if key != own and (
                    entry.object_type == "enterprise" or entry.object_type in children[key[0]]
                ):
                    explained.append(key)
        for firm_id in _firms_named(entry):
            firm = ("enterprise", firm_id)
            if firm in records and firm not in explained:
                explained.append(firm)
        if explained:
            reason = _reason(entry)
            for key in explained:
                out.setdefault(key, []).append(reason)
    return out


def _firms_named(entry: ChangeLog) -> set[int]:
    """The firms moved by an entry of a record that names several firms (a training's participants): those
    it named when created, archived or restored; those it added or removed when edited."""
    record_type = catalog.get(entry.object_type)
    if record_type is None or not record_type.history_names_other_firms:
        return set()
    found: set[int] = set()
    for name, (before, after) in (entry.changes or {}).items():
        fld = record_type.schema.by_name.get(name)
        if fld is None or getattr(fld, "model", None) is not Enterprise:
            continue
        if entry.action == "update":
            found |= _ids(before) ^ _ids(after)
        else:
            found |= _ids(before) | _ids(after)
    return found


def _ids(value) -> set[int]:
    return {v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int)}


def _reason(entry: ChangeLog) -> Reason:
    record_type = catalog.get_any(entry.object_type)
    dates = {f.name for f in record_type.schema.fields if isinstance(f, Date)} if record_type else set()
    fields = [
        FieldChange(name, str(label), before, after, shown_before, shown_after)
        for (name, (before, after)), (label, shown_before, shown_after) in zip(
            (entry.changes or {}).items(), change_rows(entry), strict=True
        )
    ]
    if entry.action == "update":
        action = "redate" if any(f.name in dates for f in fields) else "update"
        fields.sort(key=lambda f: f.name not in dates)  # the dates first
    elif entry.action == "create":
        action = "create"
        fields = [f for f in fields if f.name in dates and f.after]  # the dates it counts by
    else:
        action = entry.action if entry.action in REASONS else "update"
        fields = [f for f in fields if f.name == "archived_reason" and (f.before or f.after)]
    return Reason(action, entry, fields)


def _moved(name: str, record_id: int, record, reasons: list[Reason] | None) -> Moved:
    record_type = catalog.get(name)
    if record is None or record_type is None:
        return Moved(name, record_id, f"#{record_id}", None, reasons or [Reason("unlogged")])
    page = record_type.record_page(record)
    if page is None and _firm_column(name) is not None:
        page = catalog.get("enterprise").page(record.enterprise_id)
    return Moved(name, record_id, record_type.drill_label(record), page, reasons or [Reason("unlogged")])
