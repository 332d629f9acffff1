"""Reporting periods: presets (this year to date, first N months, a quarter, last year, a year) or custom."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..domain import InputError
from ..domain.values import parse_query_date

PRESETS = ("ytd", "months", "quarter", "year", "last_year", "custom")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str = "custom"

    @property
    def title(self) -> str:
        return _("%(start)s 至 %(end)s", start=self.start.isoformat(), end=self.end.isoformat())

    def previous_year(self) -> Period:
        """The same dates a year earlier (29 February becomes 28 February)."""
        return Period(_year_back(self.start), _year_back(self.end), self.preset)


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def resolve(args, today: date | None = None) -> Period:
    """The period a request asks for; bad input raises InputError with the reason."""
    today = today or date.today()
    preset = args.get("preset") or ("custom" if args.get("start") else "ytd")
    if preset not in PRESETS:
        raise InputError(_("未知的期间类型"))
    year = _int(args.get("year"), today.year, 1990, 2100, _("年份"))
    if preset == "ytd":
        return Period(date(today.year, 1, 1), today, preset)
    if preset == "months":
        months = _int(args.get("months"), max(today.month - 1, 1), 1, 12, _("月数"))
        return Period(date(year, 1, 1), month_end(year, months), preset)
    if preset == "quarter":
        quarter = _int(args.get("quarter"), (today.month - 1) // 3 + 1, 1, 4, _("季度"))
        return Period(date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter), preset)
    if preset == "year":
        return Period(date(year, 1, 1), date(year, 12, 31), preset)
    if preset == "last_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), preset)
    start, end = parse_query_date(args.get("start") or ""), parse_query_date(args.get("end") or "")
    if end < start:
        raise InputError(_("截止日期不能早于起始日期"))
    if (end - start).days > 366 * 30:
        raise InputError(_("期间过长"))
    return Period(start, end, "custom")


def _int(text, default: int, low: int, high: int, label: str) -> int:
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise InputError(_("%(label)s应为整数", label=label)) from None
    if not low <= value <= high:
        raise InputError(_("%(label)s应在%(low)d–%(high)d之间", label=label, low=low, high=high))
    return value
