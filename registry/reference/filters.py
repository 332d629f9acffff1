"""Reference-data lists (towns, parks, tags) and the town choices every select box and filter offers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..list_engine import ListSpec, Sort, archived_filter
from ..models import Park, Tag, Town


def town_choices(*, archived: bool = False, blank: bool = False) -> list[tuple[str, str]]:
    """(id, name) of the towns in code order, one statement. A form offers the towns on the register; a
    filter (``archived=True``) offers every town, so records of a town archived since can still be found.
    ``blank`` puts an empty choice first (an optional field)."""
    query = select(Town.id, Town.name).order_by(Town.code)
    if not archived:
        query = query.where(Town.archived_at.is_(None))
    choices = [(str(town_id), name) for town_id, name in db.session.execute(query)]
    return [("", "—"), *choices] if blank else choices


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
