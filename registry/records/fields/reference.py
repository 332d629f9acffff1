"""Field types naming other records: one record by id, a reference table's code, several ids, tags."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from ...domain import InputError
from ...domain.values import parse_int
from ..memo import memoised
from .base import Field, Names, as_list, refuse_control, resolve_names
from .inputs import CheckboxesField, searchable
from .scalar import TypedInText


@dataclass
class Reference(TypedInText, Field):
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
        from ...extensions import db

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

    def form_field(self):
        if self.key is not None:  # a firm: typed, with suggestions
            return StringField(
                self.label,
                description=self.help or _l("输入统一社会信用代码或完整名称，可从提示中选择"),
                render_kw={
                    "list": f"{self.name}-options",
                    "data-lookup": "/enterprises/lookup",
                    "autocomplete": "off",
                },
            )
        # A town, park or incubator: a select people can type into.
        return SelectField(
            self.label, description=self.help or "", choices=[], validate_choice=False, render_kw=searchable()
        )

    def form_value(self, value):
        if self.key is not None:
            return self.key(value)
        return str(value) if value is not None else ""

    def import_value(self, value, codes_by_label):
        if isinstance(value, float):  # a number read from a sheet stays a number for an id
            return value
        return super().import_value(value, codes_by_label)

    def references(self, value):
        return [(self.model, "id", value)] if isinstance(value, int) and self.model is not None else []

    def shown(self, value, names: Names | None) -> str:
        return named_record(self, value, names)

    def show(self, value) -> str:
        from ...extensions import db

        target = db.session.get(self.model, value) if value is not None else None
        return str(target) if target is not None else "—"

    def import_hint(self) -> str:
        return _("企业的统一社会信用代码或完整名称") if self.key is not None else _("填写名称")


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
        from ...extensions import db

        row = db.session.scalar(
            db.select(self.model).where((self.model.code == text) | (self.model.name == text))
        )
        if row is None or row.archived_at is not None:
            raise InputError(_("“%(value)s”不是可选值", value=text[:40]))
        return row.code

    def choices(self) -> list[tuple[str, str]]:
        from ...extensions import db

        rows = db.session.scalars(
            db.select(self.model).where(self.model.archived_at.is_(None)).order_by(self.model.id)
        )
        return [(row.code, row.name) for row in rows]

    def json_schema(self) -> dict:
        return {"type": "string", "description": "code of a certification kind"}

    def form_field(self):
        return SelectField(self.label, description=self.help or "", choices=[], validate_choice=False)

    def references(self, value):
        return [(self.model, "code", str(value))] if self.model is not None and value is not None else []

    def shown(self, value, names: Names | None) -> str:
        return named_record(self, value, names)

    def import_hint(self) -> str:
        return _("资质类别的代码或名称，如 high_tech 或 高新技术企业")


def named_record(field: Field, value, names: Names | None) -> str:
    """The name of the record a stored id or code points to (the raw value if it is gone)."""
    references = field.references(value)
    if not references:
        return str(value)
    if names is None:
        names = resolve_names(references)
    return names.get(references[0], str(value))


@dataclass
class ReferenceSet(Field):
    """Several ids of another table (e.g. a training's participants)."""

    model: type | None = None
    lookup: Callable[[str], int | None] | None = None
    key: Callable[[object], str] | None = None
    many: ClassVar[bool] = True

    def parse(self, raw):
        refuse_control(raw)
        ids = []
        for item in as_list(raw):
            ids.append(
                Reference(self.name, self.label, model=self.model, lookup=self.lookup).convert(
                    item if isinstance(item, str) else str(item)
                )
            )
        return sorted(set(ids))

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "integer", "minimum": 1}, "uniqueItems": True}

    def form_field(self):
        return TextAreaField(
            self.label,
            description=self.help or _l("每行一个：统一社会信用代码或完整名称"),
            render_kw={"rows": 4},
        )

    def form_value(self, value):
        return "\n".join(self.key(v) if self.key else str(v) for v in value)

    def import_hint(self) -> str:
        return _("企业的统一社会信用代码或完整名称，多个用逗号分隔")


@dataclass
class TagSet(Field):
    """Tags by code (API, import) or by id (form checkboxes)."""

    many: ClassVar[bool] = True

    def parse(self, raw):
        from ...extensions import db
        from ...models import Tag

        refuse_control(raw)
        wanted = [str(v).strip() for v in as_list(raw) if str(v).strip()]
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

    def to_json(self, value):
        return [tag.code for tag in value] if value is not None else []

    def json_schema(self) -> dict:
        return {"type": "array", "items": {"type": "string"}, "uniqueItems": True}

    def form_field(self):
        return CheckboxesField(self.label, description=self.help or "", choices=[], validate_choice=False)

    def form_value(self, value):
        return [str(tag.code) for tag in value]

    def import_hint(self) -> str:
        return _("标签代码或名称，多个用逗号分隔")
