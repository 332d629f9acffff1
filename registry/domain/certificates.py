"""Certification kinds: validity periods, default ``valid_until`` and certificate number patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import re2
from flask_babel import gettext as _

from . import InputError
from .text import clean_text

CALENDAR_YEAR = "calendar_year"
NONE = "none"
_YEARS = re.compile(r"years:([1-9][0-9]?)")


@dataclass(frozen=True)
class Validity:
    """How long a certificate of a kind is valid: the calendar year, N years, or with no end."""

    kind: str  # "calendar_year" | "years" | "none"
    years: int | None = None

    def __str__(self) -> str:
        return f"years:{self.years}" if self.kind == "years" else self.kind


def parse_validity(text: str) -> Validity:
    """Parse ``calendar_year``, ``years:N`` (1–99) or ``none``."""
    text = (text or "").strip()
    if text in (CALENDAR_YEAR, NONE):
        return Validity(text)
    match = _YEARS.fullmatch(text)
    if match:
        return Validity("years", int(match.group(1)))
    raise InputError(_("有效期应为 calendar_year、years:N（N为1–99）或 none"))


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February moves to 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def default_valid_until(validity: str | Validity, approved_on: date | None) -> date | None:
    """DESIGN.md §3: calendar_year → 31 Dec of the approval year; years:N → approved_on + N years − 1 day."""
    if approved_on is None:
        return None
    if isinstance(validity, str):
        validity = parse_validity(validity)
    if validity.kind == CALENDAR_YEAR:
        return date(approved_on.year, 12, 31)
    if validity.kind == "years":
        return add_years(approved_on, validity.years) - timedelta(days=1)
    return None


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a refused pattern is the admin's input, not the server's problem


@lru_cache(maxsize=256)
def _compiled(pattern: str):
    """The pattern for RE2, which matches in time linear in the number's length whatever the pattern:
    a kind's pattern is admin input, and a backtracking engine lets ``(A+)+B`` hang a worker for hours."""
    return re2.compile(pattern, _RE2_OPTIONS)


def _reason(error: Exception) -> str:
    reason = error.args[0] if error.args else ""
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def check_pattern(pattern: str) -> str:
    """A number pattern an admin entered must be a regular expression that RE2 can run.

    RE2 has no backreferences or lookaround (what makes matching slow); a pattern using them is refused
    with that reason rather than run by a backtracking engine.
    """
    try:
        re.compile(pattern)
    except re.error as error:
        raise InputError(_("证书编号格式不是有效的正则表达式：%(error)s", error=str(error))) from error
    try:
        _compiled(pattern)
    except re2.error as error:
        raise InputError(
            _("证书编号格式使用了不支持的写法（如反向引用、环视）：%(error)s", error=_reason(error))
        ) from error
    return pattern


def validate_certificate_no(number: str, pattern: str | None, kind_name: str = "") -> str:
    """Return the cleaned number, or raise when it does not match the kind's pattern."""
    number = clean_text(number).upper()
    if not pattern:
        return number
    try:
        matcher = _compiled(pattern)
    except re2.error:
        # A pattern stored before patterns were checked for RE2: refuse the number rather than hang.
        raise InputError(
            _(
                "%(kind)s的编号格式（%(pattern)s）无法使用，请管理员修改该资质类别",
                kind=kind_name,
                pattern=pattern,
            ),
            code="pattern",
        ) from None
    if not matcher.fullmatch(number):
        raise InputError(
            _(
                "证书编号“%(number)s”不符合%(kind)s的编号格式（%(pattern)s）",
                number=number,
                kind=kind_name,
                pattern=pattern,
            ),
            code="pattern",
        )
    return number
