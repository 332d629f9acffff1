"""What a report's placeholders read from the registry: indicator values for the report's period (one
statement for every code its texts use), the firms and records behind an indicator, the report's figures,
and the previous report's numbers, so the preview can mark the numbers that changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Enterprise, Figure, Report
from ...records import catalog
from .. import indicators as ind
from .. import service
from ..periods import Period
from .placeholders import PHRASES, Piece, firm_name, format_number, placeholders

# The date that put a record behind an indicator, by the first of these it has (in this order).
DATE_FIELDS = (
    "approved_on",
    "applied_on",
    "registered_on",
    "moved_in_on",
    "held_on",
    "entered_on",
    "changed_on",
)


def as_number(value):
    """A stored value (a frozen snapshot keeps money as text) as a number to format."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def records_behind(indicator, period: Period) -> list:
    """The records that put things into the indicator for the period: certifications, tenancies, loans …

    An indicator that counts firms through other records declares those as ``via`` ((firm id, record id)
    pairs); otherwise the records behind it are the drill-down's own."""
    via = getattr(indicator, "via", None)
    if via is not None:
        model = catalog.get(via.record_type).model
        pairs = via.pairs(period.start, period.end).subquery()
        return list(
            db.session.scalars(
                select(model).where(model.id.in_(select(pairs.c.record_id))).order_by(model.id)
            )
        )
    return list(service.all_records(indicator, period))


def _firms_of(record) -> list:
    if isinstance(record, Enterprise):
        return [record]
    firm = getattr(record, "enterprise", None)
    if firm is not None:
        return [firm]
    return list(getattr(record, "participants", None) or [])


def _day(record) -> date | None:
    for name in DATE_FIELDS:
        day = getattr(record, name, None)
        if day is not None:
            return day
    return getattr(record, "established_on", None)


def firm_names(record) -> str:
    return "、".join(firm_name(f) for f in _firms_of(record))


def names_firms(indicator) -> bool:
    """Are the things the indicator counts firms, or records of firms (not towns or incubators)? A 家
    indicator counts firms; the towns an outreach reached are towns, whatever records put them there."""
    model = catalog.get(indicator.record_type).model
    return model is Enterprise or hasattr(model, "enterprise") or hasattr(model, "participants")


def firms_in_order(records: Iterable) -> list[str]:
    """The firms behind the records, each once, by the date of the record that put it there, then name."""
    dated: dict[int, tuple[date, str]] = {}
    for record in records:
        for firm in _firms_of(record):
            key = (_day(record) or date.max, firm_name(firm))
            if firm.id not in dated or key < dated[firm.id]:
                dated[firm.id] = key
    return [name for _day_, name in sorted(dated.values())]


@dataclass
class Previous:
    """The previous report's numbers, formatted as its document showed them."""

    values: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)


class ReportSources:
    """The :class:`~.placeholders.Sources` of one report (or of a draft not yet saved)."""

    def __init__(
        self,
        period: Period,
        figures: Iterable[Figure],
        texts: Iterable[str | None],
        *,
        previous: Previous | None = None,
        link: Callable[[str, Period], str | None] | None = None,
    ) -> None:
        self.span = period
        self.figures = {f.name: f for f in figures if f.archived_at is None}
        self.previous = previous or Previous()
        self.link = link
        self.indicators = {i.code: i for i in ind.all_indicators()}
        used = {p.argument for p in placeholders(texts) if p.kind == "value"}
        known = [self.indicators[code] for code in sorted(used) if code in self.indicators]
        self.values = ind.values(known, period.start, period.end)
        self._records: dict[str, list] = {}

    def _unknown(self, code: str) -> Piece:
        return Piece("", error=_("未知的指标代码“%(code)s”", code=code))

    def value(self, code: str) -> Piece:
        indicator = self.indicators.get(code)
        if indicator is None:
            return self._unknown(code)
        if code not in self.values:  # a code the texts did not declare up front (an outline's lone text)
            self.values |= ind.values([indicator], self.span.start, self.span.end)
        text = format_number(self.values[code])
        before = self.previous.values.get(code)
        return Piece(
            text,
            "value",
            link=self.link(code, self.span) if self.link else None,
            previous=before if before is not None and before != text else None,
            title=f"{indicator.label}（{indicator.unit}）",
        )

    def _behind(self, indicator) -> list:
        if indicator.code not in self._records:
            self._records[indicator.code] = records_behind(indicator, self.span)
        return self._records[indicator.code]

    def firms(self, code: str) -> Piece:
        indicator = self.indicators.get(code)
        if indicator is None:
            return self._unknown(code)
        if not names_firms(indicator):
            return Piece("", error=_("指标“%(code)s”对应的不是企业", code=code))
        names = firms_in_order(self._behind(indicator))
        return Piece("、".join(names), "firms", title=str(indicator.label))

    def events(self, code: str) -> Piece:
        indicator = self.indicators.get(code)
        if indicator is None:
            return self._unknown(code)
        phrase = PHRASES.get(code)
        if phrase is None:
            return Piece("", error=_("指标“%(code)s”没有逐条说法，不能用“事件:”", code=code))
        records = sorted(self._behind(indicator), key=lambda r: (_day(r) or date.max, firm_names(r), r.id))
        phrases = [phrase(r) for r in records]
        return Piece("，".join(phrases), "events", title=str(indicator.label), parts=phrases)

    def figure(self, name: str) -> Piece:
        figure = self.figures.get(name)
        if figure is None:
            return Piece("", error=_("未知的填报数据“%(name)s”", name=name))
        if not figure.value:
            return Piece("", error=_("填报数据“%(name)s”尚未填写", name=name))
        before = self.previous.figures.get(name)
        return Piece(
            figure.value + (figure.unit or ""),
            "figure",
            previous=before if before and before != figure.value else None,
            title=_("%(name)s · %(source)s", name=name, source=figure.source or "—"),
        )

    def period(self, what: str) -> Piece:
        """``{期间:月数}`` and the like: the report's own period, as the text around it needs it."""
        text = period_text(self.span, what)
        if text is None:
            return Piece(
                "", error=_("未知的期间项“%(what)s”（可用：%(known)s）", what=what, known="、".join(PERIOD))
            )
        if text == "":
            return Piece("", error=_("报告期间不是整月，不能写月数"))
        return Piece(text, "period", title=_("报告期间"))


def _months(period: Period) -> str:
    """The number of whole months the period covers (前7个月), "" when it does not start on a month's first
    day and end on a month's last day."""
    start, end = period.start, period.end
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return ""
    return str((end.year - start.year) * 12 + end.month - start.month + 1)


PERIOD: dict[str, Callable[[Period], str]] = {
    "月数": _months,
    "起始日期": lambda p: f"{p.start.year}年{p.start.month}月{p.start.day}日",
    "截止日期": lambda p: f"{p.end.year}年{p.end.month}月{p.end.day}日",
    "年度": lambda p: str(p.end.year),
}


def period_text(period: Period, what: str) -> str | None:
    make = PERIOD.get(what)
    return make(period) if make else None


def report_texts(report: Report) -> list[str | None]:
    return [report.preamble, *(s.text for s in report.sections if s.archived_at is None)]


def previous_numbers(report: Report | None, codes: Iterable[str]) -> Previous:
    """The previous report's numbers: frozen ones if it was finalised, else computed for its period now."""
    if report is None:
        return Previous()
    figures = {f.name: f.value for f in report.figures if f.archived_at is None and f.value}
    if report.snapshot is not None:
        frozen = {v["code"]: format_number(as_number(v["value"])) for v in report.snapshot.values}
        return Previous({c: frozen[c] for c in codes if c in frozen}, figures)
    known = {i.code: i for i in ind.all_indicators()}
    indicators = [known[c] for c in sorted(set(codes)) if c in known]
    values = ind.values(indicators, report.start, report.end)
    return Previous({code: format_number(v) for code, v in values.items()}, figures)


def sources_for(report: Report, link: Callable[[str, Period], str | None] | None = None) -> ReportSources:
    """The sources of a report's placeholders, with the report it started from as "before"."""
    texts = report_texts(report)
    codes = {p.argument for p in placeholders(texts) if p.kind == "value"}
    return ReportSources(
        Period(report.start, report.end),
        report.figures,
        texts,
        previous=previous_numbers(report.carried_from, codes),
        link=link,
    )
