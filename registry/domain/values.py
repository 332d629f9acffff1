"""Parsing of plain values typed by people or read from spreadsheets: dates, integers, money."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from . import InputError
from .text import fold_width

_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")

# The databases' INTEGER (PostgreSQL's int4): every id and whole-number column. A value outside it can
# match no row, and SQLite cannot even bind one past 64 bits.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1
# Dates a search or a reporting period may name: date arithmetic (a year back, a day on) stays in range.
QUERY_DATE_MIN, QUERY_DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)
_WHOLE = re.compile(r"[+-]?[0-9]{1,40}")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_DECIMAL = re.compile(r"[+-]?\d{1,13}(\.\d+)?")


def parse_date(value) -> date:
    """A real calendar date from a date, ``2021-07-31``, ``2021/7/31``, ``2021.7.31`` or ``2021年7月31日``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InputError(_("应为日期，格式YYYY-MM-DD"))
    text = fold_width(value).strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError as error:
                raise InputError(_("不是有效的日期：%(value)s", value=text)) from error
    raise InputError(_("应为日期，格式YYYY-MM-DD"))


def parse_query_date(value) -> date:
    """A date as :func:`parse_date` reads it, within QUERY_DATE_MIN…QUERY_DATE_MAX (filters, periods)."""
    day = parse_date(value)
    if not QUERY_DATE_MIN <= day <= QUERY_DATE_MAX:
        raise InputError(
            _(
                "日期应在%(low)s至%(high)s之间",
                low=QUERY_DATE_MIN.isoformat(),
                high=QUERY_DATE_MAX.isoformat(),
            )
        )
    return day


def parse_query_int(value, low: int = DB_INT_MIN, high: int = DB_INT_MAX) -> int:
    """A whole number typed in a URL (a filter, an id, a page position), within the database's INTEGER
    range unless narrower bounds are given; ASCII or full-width digits only."""
    text = fold_width(str(value)).strip()
    if not _WHOLE.fullmatch(text):
        raise InputError(_("应为整数"))
    number = int(text)
    if not low <= number <= high:
        raise InputError(_("应在%(low)d–%(high)d之间", low=low, high=high))
    return number


def _number_text(value) -> str:
    text = fold_width(str(value)).strip().replace(" ", "")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    return text


def parse_int(value) -> int:
    """A whole number; ``1,200`` and full-width digits are accepted, ``1.5`` and ``true`` are not."""
    if isinstance(value, bool):
        raise InputError(_("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _number_text(value)
    if not _INTEGER.fullmatch(text):
        raise InputError(_("应为整数"))
    return int(text)


def parse_decimal(value, places: int = 2) -> Decimal:
    """A decimal number with at most ``places`` decimals (money in 万元, areas in m²)."""
    if isinstance(value, bool):
        raise InputError(_("应为数字"))
    if isinstance(value, float):
        value = repr(value)
    text = _number_text(value)
    if not _DECIMAL.fullmatch(text):
        raise InputError(_("应为数字"))
    try:
        number = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover — the pattern above rules this out
        raise InputError(_("应为数字")) from error
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise InputError(_("最多保留%(n)d位小数", n=places))
    return number.quantize(Decimal(1).scaleb(-places))
