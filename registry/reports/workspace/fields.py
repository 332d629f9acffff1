"""Field types of the workspace's record types: a report text of paragraphs, a figure's value (a number or a
short text) and an outline section's list of indicator codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from flask_babel import gettext as _
from wtforms import StringField, TextAreaField

from ...domain import InputError
from ...domain.text import INVISIBLE, clean_text, has_control
from ...records.fields import Field, Text, as_list
from .placeholders import plain_decimal

_BLANK_RUN = re.compile(r"\n{3,}")


def clean_paragraphs(text: str) -> str:
    """A text of paragraphs as stored: one line per paragraph, trimmed, at most one blank line between,
    invisible characters dropped. Chinese punctuation stays as typed (no folding of ，（）to ASCII)."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


@dataclass
class ReportText(Text):
    """Paragraphs written in the browser (placeholders included), up to ``max_length`` characters; unlike
    :class:`Text` it keeps the Chinese punctuation as typed (a document's ，（）are not folded to ASCII)."""

    max_length: int = 20_000
    multiline: bool = True
    rows: int = 12

    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        # Refused before any work on it: a text this long is no report section.
        if len(raw) > 2 * self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        text = clean_paragraphs(raw)
        if len(text) > self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        if not text and self.required:
            raise InputError(_("不能为空"))
        return text or None

    def form_field(self):
        return TextAreaField(
            self.label,
            description=self.help or "",
            render_kw={"rows": self.rows, "maxlength": self.max_length, "class": "report-text"},
        )


@dataclass
class ReportLine(Text):
    """One line of the document (a title, a heading, the issuer): like :class:`ReportText`, Chinese
    punctuation stays as typed — 首台（套） keeps its full-width brackets; line breaks become spaces."""

    max_length: int = 200

    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        if has_control(raw.replace("\n", "").replace("\r", "")):
            raise InputError(_("含有不允许的控制字符"))
        if len(raw) > 2 * self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        text = " ".join(line for line in clean_paragraphs(raw).split("\n") if line)
        if len(text) > self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        if not text and self.required:
            raise InputError(_("不能为空"))
        return text or None


@dataclass
class FigureValue(Field):
    """A figure's value: a number (kept as typed, without separators or trailing zeros) or a short text
    such as “20多”."""

    max_length: int = 100

    def convert(self, raw):
        if isinstance(raw, bool):
            raise InputError(_("应为数字或文本"))
        if isinstance(raw, int | float | Decimal):
            if isinstance(raw, float) and raw != raw:  # NaN
                raise InputError(_("应为数字或文本"))
            raw = format(Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw), "f")
        if not isinstance(raw, str):
            raise InputError(_("应为数字或文本"))
        if has_control(raw) or "\n" in raw:
            raise InputError(_("应为一行文本"))
        text = clean_text(raw)
        if len(text) > self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        return (plain_decimal(text) or text) or None

    def json_schema(self) -> dict:
        return {"type": ["string", "number"], "maxLength": self.max_length}

    def openapi_schema(self, *, output: bool = False) -> dict:
        if output:
            return {"type": ["string", "null"], "title": str(self.label)}
        schema = self.titled_schema()
        schema["type"] = ["string", "number", "null"]
        return schema

    def form_field(self):
        return StringField(self.label, description=self.help or "", render_kw={"maxlength": self.max_length})


_CODE = re.compile(r"[a-z0-9_.\-]{1,80}")


@dataclass
class IndicatorCodes(Field):
    """The indicator codes an outline section draws on (DESIGN.md §4), as a list."""

    many: ClassVar[bool] = True

    def parse(self, raw):
        if raw is None or raw == "":
            return []
        codes = as_list(raw)
        bad = [code for code in codes if not isinstance(code, str) or not _CODE.fullmatch(code)]
        if bad:
            raise InputError(_("“%(value)s”不是指标代码", value=str(bad[0])[:40]))
        if len(codes) > 100:
            raise InputError(_("最多100个指标"))
        return list(dict.fromkeys(codes))

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string", "pattern": _CODE.pattern}, "maxItems": 100}

    def form_field(self):
        return StringField(self.label, description=self.help or "")

    def form_value(self, value):
        return " ".join(value or [])
