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
    if not re.fullmatch(r"[+-]?\d{1,15}", text):
        raise InputError(_("应为整数"))
    return int(text)


def parse_decimal(value, places: int = 2) -> Decimal:
    """A decimal number with at most ``places`` decimals (money in 万元, areas in m²)."""
    if isinstance(value, bool):
        raise InputError(_("应为数字"))
    if isinstance(value, float):
        value = repr(value)
    text = _number_text(value)
    if not re.fullmatch(r"[+-]?\d{1,13}(\.\d+)?", text):
        raise InputError(_("应为数字"))
    try:
        number = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover — the pattern above rules this out
        raise InputError(_("应为数字")) from error
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise InputError(_("最多保留%(n)d位小数", n=places))
    return number.quantize(Decimal(1).scaleb(-places))
