"""Town, park and tag record types (admins only write them)."""

from __future__ import annotations

import re
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..enterprises.services import name_lookup
from ..extensions import db
from ..models import Park, Tag, Town
from ..records.catalog import register
from ..records.errors import Conflict, ValidationFailed
from ..records.fields import Reference, Schema, Text
from ..records.record_type import RecordType

_SLUG = re.compile(r"[a-z0-9][a-z0-9\-]{0,39}")


def _unique(model, values: dict, record, *fields: str, schema: Schema) -> None:
    for key in fields:
        query = select(model.id).where(getattr(model, key) == values.get(key))
        if record is not None:
            query = query.where(model.id != record.id)
        if db.session.scalar(query) is not None:
            raise Conflict(_("%(label)s：已存在", label=schema.label(key)), field=key)


TOWN_SCHEMA = Schema(
    [
        Text("code", _l("代码"), required=True, max_length=20, help=_l("简短的英文或拼音，如 taiping")),
        Text("name", _l("名称"), required=True, max_length=50),
    ]
)
PARK_SCHEMA = Schema(
    [
        Text("name", _l("名称"), required=True, max_length=100),
        Reference("town_id", _l("所在镇街"), model=Town, lookup=lambda text: name_lookup(Town, text)),
    ]
)
TAG_SCHEMA = Schema(
    [
        Text(
            "code",
            _l("代码"),
            required=True,
            max_length=40,
            help=_l("小写英文、数字和连字符，如 kechuang-china"),
        ),
        Text("name", _l("名称"), required=True, max_length=100),
    ]
)


class TownType(RecordType):
    name = "town"
    menu, list_endpoint = ("admin", 30), "towns.index"
    order = 90
    title, unit = _l("镇街"), _l("个")
    counted = True
    endpoint = "towns.detail"
    collection, api_title = "towns", "镇街"
    plural, import_sheet = "towns", _l("镇街")
    import_example: ClassVar[dict] = {"code": "taiping", "name": "太平街道"}

    def list_spec(self):
        from .filters import TOWN_SPEC

        return TOWN_SPEC

    def drill_label(self, record) -> str:
        return record.name

    model = Town
    schema = TOWN_SCHEMA

    def enterprise_id(self, record) -> None:
        return None

    def check(self, values, record=None, *, confirmed=False) -> None:
        if not _SLUG.fullmatch(values.get("code") or ""):
            raise ValidationFailed.one("code", _("代码：应为小写英文字母、数字或连字符"))
        _unique(Town, values, record, "code", "name", schema=TOWN_SCHEMA)


class ParkType(RecordType):
    name = "park"
    menu, list_endpoint = ("admin", 40), "parks.index"
    order = 91
    title = _l("园区")
    unit = _l("个")
    endpoint = "parks.detail"
    collection, api_title = "parks", "园区"
    plural, import_sheet = "parks", _l("园区")
    import_example: ClassVar[dict] = {"name": "高升经济区", "town_id": "高升街道"}
    model = Park
    schema = PARK_SCHEMA

    def list_spec(self):
        from .filters import PARK_SPEC

        return PARK_SPEC

    def enterprise_id(self, record) -> None:
        return None

    def check(self, values, record=None, *, confirmed=False) -> None:
        _unique(Park, values, record, "name", schema=PARK_SCHEMA)


class TagType(RecordType):
    name = "tag"
    menu, list_endpoint = ("admin", 50), "tags.index"
    order = 92
    title = _l("标签")
    unit = _l("个")
    endpoint = "tags.detail"
    collection, api_title = "tags", "标签"
    plural, import_sheet = "tags", _l("标签")
    import_example: ClassVar[dict] = {"code": "cloud", "name": "企业上云"}
    model = Tag
    schema = TAG_SCHEMA

    def list_spec(self):
        from .filters import TAG_SPEC

        return TAG_SPEC

    def enterprise_id(self, record) -> None:
        return None

    def check(self, values, record=None, *, confirmed=False) -> None:
        if not _SLUG.fullmatch(values.get("code") or ""):
            raise ValidationFailed.one("code", _("代码：应为小写英文字母、数字或连字符"))
        if record is not None and values["code"] != record.code:
            raise ValidationFailed.one("code", _("代码：已使用的代码不能修改（统计指标按代码区分）"))
        _unique(Tag, values, record, "code", "name", schema=TAG_SCHEMA)


TOWN = register(TownType())
PARK = register(ParkType())
TAG = register(TagType())
