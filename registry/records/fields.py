"""Field types of a record schema: each parses one input value (form text, JSON or a spreadsheet cell).

A schema is the single statement of what a record accepts. The HTML forms, the JSON API, the import and
the OpenAPI document all use it, so a rule is written once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from flask_babel import gettext as _

from ..domain import InputError
from ..domain.text import clean_name, clean_text, has_control
from ..domain.uscc import validate_uscc
from ..domain.values import parse_date, parse_decimal, parse_int
from .errors import ValidationFailed
from .memo import memoised


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Field:
    name: str
    label: str
    required: bool = False
    help: str = ""
    blank: object = None  # the value stored when the input is left empty

    def parse(self, raw):
        """The stored value for ``raw``; blank gives ``blank`` (or an error when required)."""
        if is_blank(raw):
            if self.required:
                raise InputError(_("不能为空"))
            return self.blank
        if has_control(raw) or (isinstance(raw, list) and any(has_control(item) for item in raw)):
            raise InputError(_("含有不允许的控制字符"))
        return self.convert(raw)

    def convert(self, raw):  # pragma: no cover — every field type overrides it
        raise NotImplementedError

    def to_json(self, value):
        return value

    def json_schema(self) -> dict:
        return {"type": "string"}


@dataclass
class Text(Field):
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


@dataclass
class Uscc(Field):
    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        return validate_uscc(raw)

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"}


@dataclass
class Date(Field):
    def convert(self, raw):
        return parse_date(raw)

    def to_json(self, value):
        return value.isoformat() if value else None

    def json_schema(self) -> dict:
        return {"type": "string", "format": "date"}


@dataclass
class Integer(Field):
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


@dataclass
class Money(Field):
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


@dataclass
class ChoiceSet(Field):
    enum: type[StrEnum] | None = None

    def parse(self, raw):
        if has_control(raw) or (isinstance(raw, list) and any(has_control(item) for item in raw)):
            raise InputError(_("含有不允许的控制字符"))
        codes = _as_list(raw)
        bad = [code for code in codes if not self.enum.has(code)]
        if bad:
            raise InputError(_("“%(value)s”不是可选值", value=str(bad[0])[:40]))
        return sorted(set(codes))

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string", "enum": self.enum.codes()}, "uniqueItems": True}


@dataclass
class Reference(Field):
    """The id of another record, which must exist and not be archived.

    With ``lookup``, text that is not a number is resolved by a natural key (a firm's USCC or name).
    """

    model: type | None = None
    lookup: Callable[[str], int | None] | None = None
    key: Callable[[object], str] | None = None  # how a form shows the chosen record (e.g. its USCC)
    # Narrows a query of ``model`` to the rows the acting user may name (a manager: firms in their scope);
    # a row outside answers exactly as a missing one, so the answer tells nothing about other records.
    visible: Callable | None = None

    def convert(self, raw):
        if isinstance(raw, (str, int)):
            # A bulk run is one user's, so the remembered answers are that user's.
            return memoised(("reference", self.model, self.lookup, raw), lambda: self._convert(raw))
        return self._convert(raw)

    def _convert(self, raw):
        from ..extensions import db

        if self.lookup is not None and isinstance(raw, str) and not raw.strip().isdigit():
            found = self.lookup(raw)
            if found is None:
                raise InputError(_("未找到“%(value)s”", value=raw.strip()[:60]))
            raw = found
        record_id = parse_int(raw)
        if not 0 < record_id <= 2**31 - 1:
            raise InputError(_("所选记录不存在或已归档（编号%(id)s）", id=record_id))
        if self.visible is not None:
            query = db.select(self.model.id).where(
                self.model.id == record_id, self.model.archived_at.is_(None)
            )
            if db.session.scalar(self.visible(query)) is None:
                raise InputError(_("所选记录不存在或已归档（编号%(id)s）", id=record_id))
            return record_id
        record = db.session.get(self.model, record_id)
        if record is None or getattr(record, "archived_at", None) is not None:
            raise InputError(_("所选记录不存在或已归档（编号%(id)s）", id=record_id))
        return record_id

    def json_schema(self) -> dict:
        return {"type": "integer", "minimum": 1}


@dataclass
class CodeChoice(Field):
    """A code from a reference table (e.g. a certification kind), given by its code or its name."""

    model: type | None = None

    def convert(self, raw):
        if not isinstance(raw, str):
            raise InputError(_("应为文本"))
        text = raw.strip()
        return memoised(("code", self.model, text), lambda: self._code(text))

    def _code(self, text: str) -> str:
        from ..extensions import db

        row = db.session.scalar(
            db.select(self.model).where((self.model.code == text) | (self.model.name == text))
        )
        if row is None or row.archived_at is not None:
            raise InputError(_("“%(value)s”不是可选值", value=text[:40]))
        return row.code

    def choices(self) -> list[tuple[str, str]]:
        from ..extensions import db

        rows = db.session.scalars(
            db.select(self.model).where(self.model.archived_at.is_(None)).order_by(self.model.id)
        )
        return [(row.code, row.name) for row in rows]

    def json_schema(self) -> dict:
        return {"type": "string", "description": "code of a certification kind"}


@dataclass
class ReferenceSet(Field):
    """Several ids of another table (e.g. a training's participants)."""

    model: type | None = None
    lookup: Callable[[str], int | None] | None = None
    key: Callable[[object], str] | None = None

    def parse(self, raw):
        if has_control(raw) or (isinstance(raw, list) and any(has_control(item) for item in raw)):
            raise InputError(_("含有不允许的控制字符"))
        ids = []
        for item in _as_list(raw):
            ids.append(
                Reference(self.name, self.label, model=self.model, lookup=self.lookup).convert(
                    item if isinstance(item, str) else str(item)
                )
            )
        return sorted(set(ids))

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "integer", "minimum": 1}, "uniqueItems": True}


@dataclass
class TagSet(Field):
    """Tags by code (API, import) or by id (form checkboxes)."""

    def parse(self, raw):
        from ..extensions import db
        from ..models import Tag

        if has_control(raw) or (isinstance(raw, list) and any(has_control(item) for item in raw)):
            raise InputError(_("含有不允许的控制字符"))
        wanted = [str(v).strip() for v in _as_list(raw) if str(v).strip()]
        if not wanted:
            return []
        tags = memoised(
            ("tags",), lambda: db.session.scalars(db.select(Tag).where(Tag.archived_at.is_(None))).all()
        )
        by_key = {t.code: t for t in tags} | {str(t.id): t for t in tags} | {t.name: t for t in tags}
        unknown = [w for w in wanted if w not in by_key]
        if unknown:
            raise InputError(_("“%(value)s”不存在", value=unknown[0][:40]))
        return sorted({by_key[w].code for w in wanted})

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def _as_list(raw) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [part for part in re.split(r"[,，;；、\s]+", raw.strip()) if part]
    if isinstance(raw, Iterable) and not isinstance(raw, Mapping):
        return list(raw)
    raise InputError(_("应为列表"))


def named(label: str, message: str) -> str:
    """A message that names its field: ``企业名称：不能为空``."""
    label = str(label)
    if message.startswith((f"{label}：", f"{label}: ")):
        return message
    return _("%(label)s：%(message)s", label=label, message=message)


@dataclass
class Schema:
    """The fields a record kind accepts, in form order."""

    fields: list[Field]
    by_name: dict[str, Field] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def label(self, name: str) -> str:
        return str(self.by_name[name].label) if name in self.by_name else name

    def clean(self, data: Mapping, *, partial: bool = False, strict: bool = False) -> dict:
        """Parse every field (or only those present when ``partial``); all errors are collected.

        ``strict`` (the API) refuses fields the schema does not know.
        """
        errors: dict[str, list[str]] = {}
        cleaned: dict = {}
        if strict:
            for key in data:
                if key not in self.by_name and key != "version":
                    errors[key] = [_("未知字段")]
        for f in self.fields:
            if partial and f.name not in data:
                continue
            try:
                cleaned[f.name] = f.parse(data.get(f.name))
            except InputError as error:
                errors.setdefault(f.name, []).append(named(f.label, error.message))
        if errors:
            raise ValidationFailed(errors)
        return cleaned


def to_json_value(field: Field, value):
    if isinstance(field, TagSet):
        return [tag.code for tag in value] if value is not None else []
    return field.to_json(value)


def to_json(schema: Schema, record) -> dict:
    return {f.name: to_json_value(f, getattr(record, f.name)) for f in schema.fields}
