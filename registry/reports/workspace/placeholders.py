"""Placeholders in report texts (docs/PLACEHOLDERS.md): a small scanner, then plain text or safe HTML.

A section's text is user input and is never evaluated: no ``eval``, no template engine. The scanner cuts each
paragraph into literal text and placeholders (``{CODE}``, ``{企业:CODE}``, ``{事件:CODE}``, ``{数据:NAME}``,
``{期间:月数}``; full-width ｛｝ and ： work the same; ``{{`` and ``}}`` are literal braces). Whatever a placeholder names is
looked up by a :class:`Sources` (registry/reports/workspace/sources.py reads the database); a placeholder
that cannot be filled — an unknown code, an unknown or empty figure, an unclosed or stray brace — becomes
an error piece: the preview marks it, the text around it stays, finalising refuses while any remain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Protocol

from flask_babel import gettext as _

OPENING = "{｛"
CLOSING = "}｝"
COLONS = ":："
MAX_INSIDE = 120  # characters between the braces; more is taken for a brace left open
KINDS = {"企业": "firms", "事件": "events", "数据": "figure", "期间": "period"}


# ---- numbers --------------------------------------------------------------------------------------------
def format_number(value) -> str:
    """A number as the report writes it: digits, never thousands separators; a decimal (万元) with at most
    two places and no trailing zeros (6753.00 → 6753, 284.15 → 284.15, 0.50 → 0.5)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        with localcontext() as context:
            context.prec = 200
            text = format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def plain_decimal(text: str) -> str | None:
    """``text`` as a plain number if it is one (``1,157.50`` → ``1157.5``), else None. Nothing is rounded:
    a figure keeps the digits its office gave."""
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        with localcontext() as context:
            context.prec = 200
            number = Decimal(text)
            out = format(number, "f")
    except InvalidOperation:  # pragma: no cover — the pattern admits only valid decimals
        return None
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    out = out.lstrip("+")
    return "0" if out in ("-0", "") else out


# ---- scanning -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Placeholder:
    kind: str  # value | firms | events | figure | period
    argument: str  # the indicator code, the figure's name or what of the period
    source: str  # as written, braces included


@dataclass(frozen=True)
class Broken:
    source: str
    reason: str  # unclosed | stray | empty | unknown_kind


Token = Literal | Placeholder | Broken


def parse(paragraph: str) -> list[Token]:
    """The tokens of one paragraph (a placeholder never spans lines). Never raises."""
    tokens: list[Token] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            tokens.append(Literal("".join(text)))
            text.clear()

    i, n = 0, len(paragraph)
    while i < n:
        char = paragraph[i]
        if char in OPENING or char in CLOSING:
            if i + 1 < n and paragraph[i + 1] == char:  # {{ or }}: the brace itself
                text.append(char)
                i += 2
                continue
            if char in CLOSING:
                flush()
                tokens.append(Broken(char, "stray"))
                i += 1
                continue
            j = i + 1
            while j < n and j - i <= MAX_INSIDE + 1 and paragraph[j] not in OPENING + CLOSING + "\n":
                j += 1
            if j < n and paragraph[j] in CLOSING and j - i - 1 <= MAX_INSIDE:
                flush()
                tokens.append(_placeholder(paragraph[i : j + 1], paragraph[i + 1 : j]))
                i = j + 1
                continue
            flush()
            tokens.append(Broken(char, "unclosed"))  # only the brace is wrong: what follows is text
            i += 1
            continue
        text.append(char)
        i += 1
    flush()
    return tokens


def _placeholder(source: str, inside: str) -> Token:
    inside = inside.strip(" \t\u3000")
    if not inside:
        return Broken(source, "empty")
    colon = min((inside.find(c) for c in COLONS if c in inside), default=-1)
    if colon < 0:
        return Placeholder("value", inside, source)
    prefix, argument = inside[:colon].strip(" \t\u3000"), inside[colon + 1 :].strip(" \t\u3000")
    kind = KINDS.get(prefix)
    if kind is None:
        return Broken(source, "unknown_kind")
    if not argument:
        return Broken(source, "empty")
    return Placeholder(kind, argument, source)


def paragraphs(text: str | None) -> list[str]:
    """A section's paragraphs: its non-blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def placeholders(texts: Iterable[str | None]) -> list[Placeholder]:
    """Every placeholder in the texts, in order (what a report must look up before rendering)."""
    return [
        token
        for text in texts
        for paragraph in paragraphs(text)
        for token in parse(paragraph)
        if isinstance(token, Placeholder)
    ]


# ---- filling ---------------------------------------------------------------------------------------------
@dataclass
class Piece:
    """A rendered token: its text, or an error with the text as written."""

    text: str
    kind: str = "text"  # text | value | firms | events | figure | error
    error: str | None = None
    link: str | None = None  # the drill-down behind a number
    previous: str | None = None  # the previous report's value, when it differs
    title: str | None = None  # what the number is (the indicator's label, the figure's name)
    parts: list[str] | None = None  # an event list's phrases, one per record


class Sources(Protocol):
    """What the placeholders read: each method returns a Piece (an error piece when it cannot)."""

    def value(self, code: str) -> Piece: ...

    def firms(self, code: str) -> Piece: ...

    def events(self, code: str) -> Piece: ...

    def figure(self, name: str) -> Piece: ...

    def period(self, what: str) -> Piece: ...


def error_message(reason: str) -> str:
    return {
        "unclosed": _("大括号没有闭合（字面大括号请写成{{）"),
        "stray": _("多余的右大括号（字面大括号请写成}}）"),
        "empty": _("占位符是空的"),
        "unknown_kind": _("未知的占位符类型（可用：企业、事件、数据、期间）"),
    }.get(reason, reason)


def fill(paragraph: str, sources: Sources) -> list[Piece]:
    """The paragraph's pieces, each placeholder looked up. Never raises for any text."""
    pieces = []
    tokens = parse(paragraph)
    for i, token in enumerate(tokens):
        if isinstance(token, Literal):
            pieces.append(Piece(token.text))
        elif isinstance(token, Broken):
            pieces.append(Piece(token.source, "error", error_message(token.reason)))
        else:
            piece = getattr(sources, token.kind)(token.argument)
            if piece.error:
                piece = Piece(token.source, "error", piece.error)
            elif piece.parts and _ends_sentence(tokens[i + 1 : i + 2]):
                piece.text = "。".join(piece.parts)  # a list of events closing a sentence: one sentence each
            pieces.append(piece)
    return pieces


def _ends_sentence(following: list[Token]) -> bool:
    return bool(following) and isinstance(following[0], Literal) and following[0].text.startswith("。")


def plain(pieces: list[Piece]) -> str:
    """The document's text: values filled in; an error keeps the placeholder as written."""
    return "".join(piece.text for piece in pieces)


def html(pieces: list[Piece]):
    """The preview's HTML of a paragraph: every text escaped; numbers linked to their drill-down, changed
    ones and errors marked. Written by the macro ``pieces`` of templates/reports/workspace/_macros.html (the
    template engine escapes what the pieces hold), so nothing of the input can open a tag."""
    from flask import current_app

    return current_app.jinja_env.get_template(MACROS).module.pieces(pieces)


MACROS = "reports/workspace/_macros.html"


@dataclass
class Rendered:
    """A text rendered: its paragraphs as plain text and as pieces (for the preview), and the errors."""

    plain: list[str] = field(default_factory=list)
    paragraphs: list[list[Piece]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changed: int = 0

    @property
    def html(self) -> list:
        return [html(pieces) for pieces in self.paragraphs]


def render(text: str | None, sources: Sources) -> Rendered:
    out = Rendered()
    for paragraph in paragraphs(text):
        pieces = fill(paragraph, sources)
        out.plain.append(plain(pieces))
        out.paragraphs.append(pieces)
        out.errors.extend(f"{piece.text}：{piece.error}" for piece in pieces if piece.error)
        out.changed += sum(1 for piece in pieces if piece.previous is not None)
    return out


# ---- phrases of records ({事件:CODE}) ----------------------------------------------------------------------
_DIGITS = "零一二三四五六七八九"
_LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级"}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一 (a batch number as a document writes it); past 99, digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def firm_name(firm) -> str:
    """A firm as reports write it: its short name (简称), else its name."""
    return getattr(firm, "short_name", None) or firm.name


def _month(day) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def _little_giant(record) -> str:
    """A list a firm entered, as the seed writes it.

    A recognition names its list by its batch, which says when (富隆化工入选第三批国家级专精特新“小巨人”企业名单);
    without a batch, by the month. A selection for key support (重点“小巨人”, a record with ``key_support``)
    is announced by batch and funding year, and the seed dates it: 大禹防水2021年5月入选第一批重点支持国家级
    专精特新“小巨人”企业名单（第一批第一年） — the record is the selection, so its support is in its first year.
    """
    level = _LEVELS.get(record.level, "")
    firm = firm_name(record.enterprise)
    if record.key_support:
        batch = chinese_number(record.batch) if record.batch else ""
        funded = f"（第{batch}批第一年）" if batch else ""
        listed = f"第{batch}批" if batch else ""
        return (
            f"{firm}{_month(record.approved_on)}入选{listed}重点支持{level}专精特新“小巨人”企业名单{funded}"
        )
    when = f"第{chinese_number(record.batch)}批" if record.batch else ""
    month = "" if record.batch else _month(record.approved_on)
    return f"{firm}{month}入选{when}{level}专精特新“小巨人”企业名单"


def _applied(what: str) -> Callable:
    def phrase(record) -> str:
        level = _LEVELS.get(record.level, "")
        product = f"“{record.product_name}”" if getattr(record, "product_name", None) else ""
        return f"{firm_name(record.enterprise)}{_month(record.applied_on)}申报{level}{what}{product}"

    return phrase


# Each indicator that supports {事件:CODE} declares its phrase here, for each record behind it.
PHRASES: dict[str, Callable] = {
    "srdi.little_giant_national_approved": _little_giant,
    "srdi.little_giant_national_valid": _little_giant,
    "srdi.little_giant_national_key_valid": _little_giant,
    "srdi.little_giant_provincial_applied": _applied("专精特新“小巨人”企业"),
    "srdi.product_provincial_applied": _applied("“专精特新”产品"),
    "srdi.product_provincial_applied_products": _applied("“专精特新”产品"),
}
