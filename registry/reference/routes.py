"""Reference-data pages for admins (everyone may read them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..forms import options
from ..lists import ListSpec, Sort, archived_filter
from ..models import Park, Tag, Town
from ..pages import Column, RecordPages
from .services import PARK, TAG, TOWN


def _name_search(model):
    return lambda q, text: q.where(model.name.contains(text, autoescape=True))


TOWN_SPEC = ListSpec(
    model=Town,
    base=lambda user: select(Town),
    search=_name_search(Town),
    filters=[archived_filter(Town)],
    sorts=[Sort("code", _l("代码"), Town.code), Sort("name", _l("名称"), Town.name)],
    default_sort="code",
)
PARK_SPEC = ListSpec(
    model=Park,
    base=lambda user: select(Park),
    search=_name_search(Park),
    filters=[archived_filter(Park)],
    sorts=[Sort("name", _l("名称"), Park.name)],
    default_sort="name",
    eager=(joinedload(Park.town),),
)
TAG_SPEC = ListSpec(
    model=Tag,
    base=lambda user: select(Tag),
    search=_name_search(Tag),
    filters=[archived_filter(Tag)],
    sorts=[Sort("code", _l("代码"), Tag.code), Sort("name", _l("名称"), Tag.name)],
    default_sort="code",
)


def _park_towns(form) -> None:
    form.town_id.choices = options(
        [("", "—")]
        + [
            (t.id, t.name)
            for t in db.session.scalars(select(Town).where(Town.archived_at.is_(None)).order_by(Town.code))
        ]
    )


TOWN_PAGES = RecordPages(
    TOWN,
    TOWN_SPEC,
    "towns",
    _l("镇街"),
    _l("个"),
    [
        Column(_l("名称"), lambda t: t.name, link=True, sort="name"),
        Column(_l("代码"), lambda t: t.code, sort="code"),
    ],
    search_placeholder=_l("名称"),
)
PARK_PAGES = RecordPages(
    PARK,
    PARK_SPEC,
    "parks",
    _l("园区"),
    _l("个"),
    [
        Column(_l("名称"), lambda p: p.name, link=True, sort="name"),
        Column(_l("所在镇街"), lambda p: p.town.name if p.town else None),
    ],
    prepare_form=_park_towns,
    search_placeholder=_l("名称"),
)
TAG_PAGES = RecordPages(
    TAG,
    TAG_SPEC,
    "tags",
    _l("标签"),
    _l("个"),
    [
        Column(_l("名称"), lambda t: t.name, link=True, sort="name"),
        Column(_l("代码"), lambda t: t.code, sort="code"),
    ],
    search_placeholder=_l("名称"),
)
blueprints = (TOWN_PAGES.bp, PARK_PAGES.bp, TAG_PAGES.bp)
