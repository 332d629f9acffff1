"""Dated fields (DESIGN.md §3): values that change over time, kept as spans so a period reads them as they were.

Three fields are dated: an enterprise's ``tags`` and ``high_value_ip_count`` and a listing candidate's ``tier``.
Beside the record's current value (which always equals its open span's), each keeps its history as spans
(value, ``valid_from``, ``valid_to``): a value is in force on day D when ``valid_from <= D`` and (``valid_to``
is null or ``valid_to > D``) — ``valid_to`` is exclusive, the day the next value took effect.

This module holds, in one place:

- the declaration: which record type has which dated fields (:data:`DECLARATIONS`), and the inputs a write
  of such a record type takes besides its schema (``effective_on``, ``correct_history``: :func:`options`);
- the write logic the one write path calls (records/writer.py): :func:`take_options`, :func:`plan_create`,
  :func:`plan_update` and :meth:`Plan.write`;
- the reading of a record's history for its page and its API item (:func:`history`, :func:`loaders`).
The SQL the indicators read (a value in force on a day) is records/spans.py.

The rules of a write. The new value takes effect on E (``effective_on``: today when not given, never after
today):

- E on or after the field's latest change: the open span closes at E and a new one opens at E. A span that
  started on E itself is replaced instead (two changes on one day: the later stands), and a span that ended
  on E is reopened when its value comes back (a change undone the same day leaves no trace).
- E before the field's latest change would rewrite history: refused with a message that says so, unless the
  write says ``correct_history`` (a form's checkbox, the API's boolean; never an import). Then the spans from
  E on are replaced by the new value from E, and the change log keeps the spans before and after.
- A write that leaves a dated field's value as it was writes no span for it, whatever E says.
- A new record's spans start at E; when none is given, at the record type's start (:class:`Declaration`):
  an enterprise's ``established_on`` when given (the same start migration 0007 gave the firms registered
  before; a firm entered today reads as one entered yesterday), else today; a candidate's ``entered_on``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..domain import InputError
from ..enums import ListingTier
from ..models import Enterprise, EnterpriseIpSpan, EnterpriseTagSpan, ListingCandidate, ListingTierSpan
from .changelog import plain
from .errors import ValidationFailed
from .fields import Boolean, Date, Field, named

EFFECTIVE_ON = "effective_on"
CORRECT_HISTORY = "correct_history"
OPTION_NAMES = (EFFECTIVE_ON, CORRECT_HISTORY)
EFFECTIVE_ON_LABEL = _l("生效日期")
CORRECT_HISTORY_LABEL = _l("更正历史")


# ---- the fields ------------------------------------------------------------------------------------
class DatedField:
    """One dated field of a record: where its spans live and what a span holds.

    A span holds one *member* of the value: the value itself for a single value, one tag for a set of tags.
    """

    name: str  # the record's field, as its schema names it
    label: str
    relation: str  # the record's relationship holding the spans

    def spans(self, record) -> list:
        return getattr(record, self.relation)

    def members(self, record) -> dict:
        """The record's current value as members: key → what a new span stores."""
        raise NotImplementedError  # pragma: no cover

    def key(self, span):
        raise NotImplementedError  # pragma: no cover

    def new_span(self, key, member, day: date):
        raise NotImplementedError  # pragma: no cover

    def value(self, span):
        """A span's value as the API shows it (a code, a number)."""
        return self.key(span)

    def shown(self, span) -> str:
        """A span's value as people read it."""
        return str(self.value(span))

    def loader(self):
        """Loader option reading the spans of a page of records in one statement."""
        raise NotImplementedError  # pragma: no cover


class TagsField(DatedField):
    name, label, relation = "tags", _l("标签"), "tag_spans"

    def members(self, record) -> dict:
        return {tag.id: tag for tag in record.tags}

    def key(self, span):
        return span.tag_id if span.tag_id is not None else span.tag.id

    def new_span(self, key, member, day: date):
        return EnterpriseTagSpan(tag_id=key, tag=member, valid_from=day)

    def value(self, span):
        return span.tag.code

    def shown(self, span) -> str:
        return span.tag.name

    def loader(self):
        return selectinload(Enterprise.tag_spans).joinedload(EnterpriseTagSpan.tag)


@dataclass(frozen=True, eq=False)
class ValueField(DatedField):
    """A single value: each span holds the value in its column ``column``."""

    name: str
    label: str
    owner: type  # the record's model
    relation: str
    model: type  # the span's
    column: str
    show: Callable[[object], str] = str

    def members(self, record) -> dict:
        return {getattr(record, self.name): None}

    def key(self, span):
        return getattr(span, self.column)

    def new_span(self, key, member, day: date):
        return self.model(**{self.column: key}, valid_from=day)

    def shown(self, span) -> str:
        return str(self.show(self.key(span)))

    def loader(self):
        return selectinload(getattr(self.owner, self.relation))


TAGS = TagsField()
IP_COUNT = ValueField(
    "high_value_ip_count", _l("高价值知识产权数"), Enterprise, "ip_spans", EnterpriseIpSpan, "value"
)
TIER = ValueField(
    "tier", _l("层级"), ListingCandidate, "tier_spans", ListingTierSpan, "tier", show=ListingTier.label_of
)


# ---- the declaration ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Declaration:
    """The dated fields of a record type, and where a new record's spans start when no date is given."""

    fields: tuple[DatedField, ...]
    start: Callable[[dict], date | None]  # a new record's values → the first day of its spans (None: today)
    effective_help: str  # the help of the ``effective_on`` input

    def options(self, *, importing: bool = False) -> list[Field]:
        """The inputs a write takes besides the schema: the forms' and the API's, or an import's columns
        (an import never corrects history)."""
        effective = Date(EFFECTIVE_ON, EFFECTIVE_ON_LABEL, help=self.effective_help)
        if importing:
            return [effective]
        correct = Boolean(
            CORRECT_HISTORY,
            CORRECT_HISTORY_LABEL,
            help=_l("生效日期早于该字段最近一次变更日期时勾选：从生效日期起的历史将被新值替换"),
        )
        return [effective, correct]


DECLARATIONS: dict[str, Declaration] = {
    "enterprise": Declaration(
        (TAGS, IP_COUNT),
        start=lambda values: values.get("established_on"),
        effective_help=_l(
            "标签、高价值知识产权数的新值从这天起生效，不能晚于今天。修改时默认为今天；新登记时默认为成立日期"
            "（未填则为今天）"
        ),
    ),
    "listing_candidate": Declaration(
        (TIER,),
        start=lambda values: values.get("entered_on"),
        effective_help=_l("层级的新值从这天起生效，不能晚于今天。修改时默认为今天；新入库时默认为入库日期"),
    ),
}


def declaration(record_type) -> Declaration | None:
    return DECLARATIONS.get(record_type.name)


def options(record_type, *, importing: bool = False) -> list[Field]:
    """The inputs beside the schema that a write of ``record_type`` takes (none for most record types)."""
    declared = declaration(record_type)
    return declared.options(importing=importing) if declared else []


# ---- the write ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Options:
    effective_on: date | None = None
    correct_history: bool = False


def take_options(record_type, data: dict) -> tuple[dict, Options, dict[str, list[str]]]:
    """``data`` without the write's options, the options, and the errors of their values (the writer
    reports them together with the schema's)."""
    declared = declaration(record_type)
    if declared is None or not any(name in data for name in OPTION_NAMES):
        return data, Options(), {}
    rest = {key: value for key, value in data.items() if key not in OPTION_NAMES}
    parsed, errors = {}, {}
    for fld in declared.options():
        try:
            parsed[fld.name] = fld.parse(data.get(fld.name))
        except InputError as error:
            errors[fld.name] = [named(fld.label, error.message)]
    effective = parsed.get(EFFECTIVE_ON)
    if effective is not None and effective > date.today():
        errors[EFFECTIVE_ON] = [named(EFFECTIVE_ON_LABEL, _("不能晚于今天"))]
    return rest, Options(effective, bool(parsed.get(CORRECT_HISTORY))), errors


def _line(fld: DatedField, span) -> str:
    """A span as the change log keeps it: ``cloud 2021-03-01–2024-01-01`` (open: nothing after the dash)."""
    end = span.valid_to.isoformat() if span.valid_to else ""
    return f"{fld.value(span)} {span.valid_from.isoformat()}–{end}"


def latest_change(fld: DatedField, record) -> date | None:
    """The last day the field's value changed: the latest start or end of its spans."""
    days = [day for span in fld.spans(record) for day in (span.valid_from, span.valid_to) if day is not None]
    return max(days, default=None)


@dataclass
class Plan:
    """What a write does to the dated fields: which change, from which day, and which rewrite history."""

    day: date
    fields: list[DatedField]
    corrected: list[DatedField] = field(default_factory=list)

    def write(self, record) -> dict:
        """Bring the spans of the changed fields in line with the record's (applied) values; returns what the
        change log adds to the write's changes."""
        log: dict = {}
        for fld in self.fields:
            before = sorted(_line(fld, s) for s in fld.spans(record)) if fld in self.corrected else None
            set_from(fld, record, self.day)
            if before is not None:
                log[f"{fld.name}_history"] = [before, sorted(_line(fld, s) for s in fld.spans(record))]
        if self.fields:
            log[EFFECTIVE_ON] = [None, self.day.isoformat()]
        if self.corrected:
            log[CORRECT_HISTORY] = [None, True]
        return log


def plan_create(record_type, values: dict, opts: Options) -> Plan | None:
    """A new record: every dated field's spans start at ``effective_on`` or the record type's start."""
    declared = declaration(record_type)
    if declared is None:
        return None
    day = opts.effective_on or declared.start(values)
    if day is None or day > date.today():
        day = date.today()
    return Plan(day, list(declared.fields))


def plan_update(record_type, record, before: dict, after: dict, opts: Options) -> Plan | None:
    """The dated fields an update changes (``before``/``after``: the record's values as the change log reads
    them); refuses a date before a changed field's latest change unless the write corrects history."""
    declared = declaration(record_type)
    if declared is None:
        return None
    changed = [f for f in declared.fields if plain(before.get(f.name)) != plain(after.get(f.name))]
    if not changed:
        return None
    day = opts.effective_on or date.today()
    corrected, errors = [], []
    for fld in changed:
        latest = latest_change(fld, record)
        if latest is None or day >= latest:
            continue
        if opts.correct_history:
            corrected.append(fld)
        else:
            errors.append(
                named(
                    EFFECTIVE_ON_LABEL,
                    _(
                        "不能早于%(field)s最近一次变更的日期（%(day)s）；如需更正此前的历史，请勾选“更正历史”"
                        "（接口中为 correct_history）",
                        field=fld.label,
                        day=latest.isoformat(),
                    ),
                )
            )
    if errors:
        raise ValidationFailed({EFFECTIVE_ON: errors})
    return Plan(day, changed, corrected)


def set_from(fld: DatedField, record, day: date) -> None:
    """The record's current value of ``fld`` in force from ``day`` on: the spans from ``day`` on are
    replaced, a span running over ``day`` continues when its member stays and ends on ``day`` otherwise,
    a span that ended on ``day`` is reopened when its member comes back, and a new member opens a span."""
    spans = fld.spans(record)
    wanted = fld.members(record)
    for span in [s for s in spans if s.valid_from >= day]:
        spans.remove(span)  # deleted with the write (the relationship deletes orphans)
    open_keys = set()
    for span in spans:  # every one starts before ``day`` now
        if span.valid_to is None or span.valid_to > day:
            key = fld.key(span)
            if key in wanted and key not in open_keys:
                span.valid_to = None
                open_keys.add(key)
            else:
                span.valid_to = day
    for span in sorted(spans, key=lambda s: s.valid_from, reverse=True):
        key = fld.key(span)
        if span.valid_to == day and key in wanted and key not in open_keys:
            span.valid_to = None
            open_keys.add(key)
    for key, member in wanted.items():
        if key not in open_keys:
            spans.append(fld.new_span(key, member, day))


def follow_start(fld: DatedField, record, before: date | None, after: date | None) -> None:
    """A record's start (a candidate's entry date) corrected from ``before`` to ``after``: the field's first
    span, which began on ``before``, begins on ``after`` instead — as far as it reaches."""
    if before is None or after is None or before == after:
        return
    spans = fld.spans(record)
    first = min(spans, key=lambda s: s.valid_from, default=None)
    if (
        first is not None
        and first.valid_from == before
        and (first.valid_to is None or after < first.valid_to)
    ):
        first.valid_from = after


# ---- reading --------------------------------------------------------------------------------------------
def history(record_type, record) -> dict[str, list[dict]]:
    """Each dated field's spans as the API item shows them: ``{"tags": [{"value": "cloud", "from":
    "2021-03-01", "to": null}, …], …}``, oldest first."""
    declared = declaration(record_type)
    if declared is None:
        return {}
    return {
        fld.name: [
            {
                "value": fld.value(span),
                "from": span.valid_from.isoformat(),
                "to": span.valid_to.isoformat() if span.valid_to else None,
            }
            for span in _ordered(fld, record)
        ]
        for fld in declared.fields
    }


def history_rows(record_type, record) -> list[tuple[str, list[tuple[str, date, date | None]]]]:
    """Each dated field's label with its spans as a page shows them: (value as read, from, to)."""
    declared = declaration(record_type)
    if declared is None:
        return []
    return [
        (str(fld.label), [(fld.shown(s), s.valid_from, s.valid_to) for s in _ordered(fld, record)])
        for fld in declared.fields
    ]


def _ordered(fld: DatedField, record) -> list:
    return sorted(fld.spans(record), key=lambda s: (s.valid_from, str(fld.value(s))))


def loaders(record_type) -> tuple:
    """Loader options reading a page of records' histories in a constant number of statements."""
    declared = declaration(record_type)
    return tuple(fld.loader() for fld in declared.fields) if declared else ()
