"""The field base class, the schema and the helpers every field type shares.

A field knows everything about one kind of value: how input parses (:meth:`Field.parse`), how it goes
to JSON, its JSON Schema and OpenAPI schema, the form input that edits it, how a spreadsheet cell becomes
its input and how a stored value reads to people (the detail page, the change log).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from flask_babel import gettext as _

from ...domain import InputError
from ...domain.text import has_control
from ..errors import ValidationFailed

# A referenced record's name, by (model, key column, key): what :func:`resolve_names` reads in one go.
Names = dict[tuple[type, str, object], str]


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def nullable(schema: dict) -> dict:
    """A JSON Schema that also admits null."""
    json_type = schema.get("type")
    if isinstance(json_type, list):
        return schema | {"type": [*json_type, "null"]} if "null" not in json_type else schema
    if json_type:
        out = schema | {"type": [json_type, "null"]}
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return out
    return schema


def resolve_names(references: Iterable[tuple[type, str, object]]) -> Names:
    """The names of the referenced records, one statement per referenced model and key column."""
    from ...extensions import db

    wanted: dict[tuple[type, str], set] = {}
    for model, column, key in references:
        wanted.setdefault((model, column), set()).add(key)
    names: Names = {}
    for (model, column), keys in wanted.items():
        key_column = getattr(model, column)
        for key, name in db.session.execute(db.select(key_column, model.name).where(key_column.in_(keys))):
            if name:
                names[(model, column, key)] = str(name)
    return names


def shown_list(values) -> str:
    return "、".join(str(v) for v in values)


@dataclass
class Field:
    name: str
    label: str
    required: bool = False
    help: str = ""
    blank: object = None  # the value stored when the input is left empty

    many: ClassVar[bool] = False  # holds a set of values (no "equals" filter, never null in the API)

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

    # ---- OpenAPI --------------------------------------------------------------------------------
    def titled_schema(self) -> dict:
        schema = dict(self.json_schema())
        schema["title"] = str(self.label)
        if self.help:
            schema["description"] = str(self.help)
        return schema

    def openapi_schema(self, *, output: bool = False) -> dict:
        """The field's schema in the OpenAPI document: as input, or (``output``) as the API returns it."""
        schema = self.titled_schema()
        if self.many:
            return schema
        return nullable(schema) if output or not self.required else schema

    # ---- HTML form ------------------------------------------------------------------------------
    def form_field(self):
        """The WTForms input that edits the field."""
        from wtforms import StringField

        return StringField(self.label, description=self.help or "")

    def form_value(self, value):
        """A stored value as the form's input holds it."""
        return "" if value is None else value

    # ---- spreadsheet ----------------------------------------------------------------------------
    import_as_text: ClassVar[bool] = False  # the template's column is formatted as text (codes keep digits)

    def import_hint(self) -> str:
        """What the import template's guide says a cell of this field may hold."""
        return ""

    def import_options(self) -> list[str]:
        """The template's drop-down list for the column; empty: none."""
        return []

    def import_value(self, value, codes_by_label: Callable[[Field], dict[str, str]]):
        """A spreadsheet cell (not empty, not a formula) as :meth:`parse` expects it."""
        return value.strip() if isinstance(value, str) else value

    # ---- reading --------------------------------------------------------------------------------
    def references(self, value) -> list[tuple[type, str, object]]:
        """The records a stored (JSON) value names, for :func:`resolve_names`."""
        return []

    def display(self, value, names: Names | None = None) -> str:
        """A stored (JSON) value as people read it; ``names`` holds the referenced records' names."""
        if value is None or value == "" or value == []:
            return "—"
        return self.shown(value, names)

    def shown(self, value, names: Names | None) -> str:
        return shown_list(value) if isinstance(value, list) else str(value)

    def show(self, value) -> str:
        """A record's attribute as its detail page shows it."""
        return self.display(self.to_json(value))


_SEPARATORS = re.compile(r"[,，;；、\s]+")


def as_list(raw) -> list:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [part for part in _SEPARATORS.split(raw.strip()) if part]
    if isinstance(raw, Iterable) and not isinstance(raw, Mapping):
        return list(raw)
    raise InputError(_("应为列表"))


def refuse_control(raw) -> None:
    if has_control(raw) or (isinstance(raw, list) and any(has_control(item) for item in raw)):
        raise InputError(_("含有不允许的控制字符"))


def named(label: str, message: str) -> str:
    """A message that names its field: ``企业名称：不能为空``."""
    label = str(label)
    if message.startswith((f"{label}：", f"{label}: ")):
        return message
    return _("%(label)s：%(message)s", label=label, message=message)


@dataclass
class Schema:
    """The fields a record type accepts, in form order."""

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
    return field.to_json(value)


def to_json(schema: Schema, record) -> dict:
    return {f.name: f.to_json(getattr(record, f.name)) for f in schema.fields}
