"""Field types holding a value of their own: text, codes, dates, numbers, yes/no, enumerations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from flask_babel import gettext as _
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from ...domain import InputError
from ...domain.text import clean_name, clean_text, has_control
from ...domain.uscc import validate_uscc
from ...domain.values import parse_date, parse_decimal, parse_int
from .base import Field, as_list, refuse_control
from .inputs import CheckboxesField, options


class TypedInText:
    """A spreadsheet number in a text column is the text it shows (a code typed as digits)."""

    def import_value(self, value, codes_by_label):
        if isinstance(value, float):
            value = str(int(value)) if value.is_integer() else str(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super().import_value(value, codes_by_label)


@dataclass
class Text(TypedInText, Field):
    max_length: int = 200
    multiline: bool = False
    name_like: bool = False  # names also lose inserted pinyin glosses

    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        if has_control(raw):
            raise InputError(_("含有不允许的控制字符"))
        if self.multiline:
            text = "\n".join(clean_text(line) for line in raw.replace("\r\n", "\n").split("\n")).strip()
        else:
            text = clean_name(raw) if self.name_like else clean_text(raw)
        if not text:
            if self.required:
                raise InputError(_("不能为空"))
            return None
        if len(text) > self.max_length:
            raise InputError(_("不能超过%(n)d个字符", n=self.max_length))
        return text

    def json_schema(self) -> dict:
        return {"type": "string", "maxLength": self.max_length}

    def openapi_schema(self, *, output: bool = False) -> dict:
        schema = super().openapi_schema(output=output)
        if output:
            schema.pop("maxLength", None)
        return schema

    def form_field(self):
        if self.multiline:
            return TextAreaField(
                self.label, description=self.help or "", render_kw={"rows": 3, "maxlength": self.max_length}
            )
        return StringField(self.label, description=self.help or "", render_kw={"maxlength": self.max_length})

    import_as_text = True

    def import_hint(self) -> str:
        return _("文本，最多%(n)d字", n=self.max_length)


@dataclass
class Uscc(TypedInText, Field):
    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        return validate_uscc(raw)

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"}

    def openapi_schema(self, *, output: bool = False) -> dict:
        if output:
            return {"type": ["string", "null"], "title": str(self.label)}
        return super().openapi_schema()

    import_as_text = True

    def import_hint(self) -> str:
        return _("18位统一社会信用代码（请设为文本格式，以免被Excel改成数字）")


@dataclass
class Date(Field):
    def convert(self, raw):
        return parse_date(raw)

    def to_json(self, value):
        return value.isoformat() if value else None

    def json_schema(self) -> dict:
        return {"type": "string", "format": "date"}

    def openapi_schema(self, *, output: bool = False) -> dict:
        schema = super().openapi_schema(output=output)
        if output:
            schema.pop("format", None)  # stored dates are always ISO, but 3.1 validators need no format here
            schema["type"] = ["string", "null"]
        return schema

    def form_field(self):
        return StringField(self.label, description=self.help or "", render_kw={"type": "date"})

    def form_value(self, value):
        return value.isoformat() if value else ""

    def import_value(self, value, codes_by_label):
        if isinstance(value, datetime):
            return value.date()
        return super().import_value(value, codes_by_label)

    def import_hint(self) -> str:
        return _("日期：2021-07-31、2021/7/31 或 2021年7月31日，也可用Excel日期")


class NumberInput:
    def form_field(self):
        return StringField(self.label, description=self.help or "", render_kw={"inputmode": "decimal"})


@dataclass
class Integer(NumberInput, Field):
    minimum: int | None = 0
    maximum: int | None = 10**9

    def convert(self, raw):
        number = parse_int(raw)
        if self.minimum is not None and number < self.minimum:
            raise InputError(_("不能小于%(n)d", n=self.minimum))
        if self.maximum is not None and number > self.maximum:
            raise InputError(_("不能大于%(n)d", n=self.maximum))
        return number

    def json_schema(self) -> dict:
        schema = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema

    def openapi_schema(self, *, output: bool = False) -> dict:
        if output and self.blank is not None:
            return {"type": "integer", "title": str(self.label)}
        return super().openapi_schema(output=output)

    def import_hint(self) -> str:
        return _("整数")


@dataclass
class Money(NumberInput, Field):
    """万元 (or m²) with at most two decimals; ``positive`` excludes zero."""

    positive: bool = False
    maximum: Decimal = Decimal("99999999999.99")

    def convert(self, raw):
        number = parse_decimal(raw, 2)
        if self.positive and number <= 0:
            raise InputError(_("应大于0"))
        if number < 0:
            raise InputError(_("不能为负数"))
        if number > self.maximum:
            raise InputError(_("数值过大"))
        return number

    def to_json(self, value):
        return str(value) if value is not None else None

    def json_schema(self) -> dict:
        return {"type": ["string", "number"], "pattern": r"^\d+(\.\d{1,2})?$"}

    def openapi_schema(self, *, output: bool = False) -> dict:
        if output:
            return {"type": ["string", "null"], "title": str(self.label)}
        return super().openapi_schema()

    def show(self, value) -> str:
        return f"{value:,.2f}" if value is not None else "—"

    def import_hint(self) -> str:
        return _("数字，最多两位小数") + ("，" + _("须大于0") if self.positive else "")


@dataclass
class Boolean(Field):
    def parse(self, raw):
        if raw is None or raw == "":
            return False
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in {"1", "true", "y", "yes", "on", "是"}:
            return True
        if isinstance(raw, str) and raw.strip().lower() in {"0", "false", "n", "no", "off", "否"}:
            return False
        raise InputError(_("应为是或否"))

    def json_schema(self) -> dict:
        return {"type": "boolean"}

    def openapi_schema(self, *, output: bool = False) -> dict:
        return self.titled_schema()  # never null: an empty input is "no"

    def form_field(self):
        return BooleanField(self.label, description=self.help or "")

    def shown(self, value, names) -> str:
        return _("是") if value else _("否")

    def import_hint(self) -> str:
        return _("是 或 否")


@dataclass
class Choice(Field):
    enum: type[StrEnum] | None = None

    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        code = raw.strip()
        if not self.enum.has(code):
            raise InputError(_("“%(value)s”不是可选值", value=code[:40]))
        return code

    def json_schema(self) -> dict:
        return {"type": "string", "enum": self.enum.codes()}

    def form_field(self):
        blank = [] if self.required else [("", "—")]
        return SelectField(
            self.label,
            description=self.help or "",
            choices=options(blank + self.enum.choices()),
            validate_choice=False,
        )

    def import_value(self, value, codes_by_label):
        if isinstance(value, str):
            value = value.strip()
            return codes_by_label(self).get(value, value)
        return value

    def shown(self, value, names) -> str:
        return str(self.enum.label_of(value))

    def import_hint(self) -> str:
        return _("可选：") + "；".join(f"{label}（{code}）" for code, label in self.enum.choices())

    def import_options(self) -> list[str]:
        return [str(label) for _code, label in self.enum.choices()]


@dataclass
class ChoiceSet(Field):
    enum: type[StrEnum] | None = None
    many: ClassVar[bool] = True

    def parse(self, raw):
        refuse_control(raw)
        codes = as_list(raw)
        bad = [code for code in codes if not self.enum.has(code)]
        if bad:
            raise InputError(_("“%(value)s”不是可选值", value=str(bad[0])[:40]))
        return sorted(set(codes))

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string", "enum": self.enum.codes()}, "uniqueItems": True}

    def form_field(self):
        return CheckboxesField(
            self.label,
            description=self.help or "",
            choices=options(self.enum.choices()),
            validate_choice=False,
        )

    def form_value(self, value):
        return [] if value is None else value

    def import_value(self, value, codes_by_label):
        if not isinstance(value, str):
            return value
        labels = codes_by_label(self)
        parts = [p for p in value.strip().replace("，", ",").replace("、", ",").replace(";", ",").split(",")]
        return [labels.get(p.strip(), p.strip()) for p in parts if p.strip()]

    def shown(self, value, names) -> str:
        return "、".join(str(self.enum.label_of(v)) for v in value)

    def import_hint(self) -> str:
        return _("可多选，用逗号分隔：") + "；".join(
            f"{label}（{code}）" for code, label in self.enum.choices()
        )
