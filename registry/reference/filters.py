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


def _reference_spec(model, sorts: list[Sort], default_sort: str, eager: tuple = ()) -> ListSpec:
    """A reference table's list: everyone reads it all; search by name; the archived filter."""
    return ListSpec(
        model=model,
        base=lambda user: select(model),
        search=lambda q, text: q.where(model.name.contains(text, autoescape=True)),
        filters=[archived_filter(model)],
        sorts=sorts,
        default_sort=default_sort,
        eager=eager,
    )


TOWN_SPEC = _reference_spec(
    Town, [Sort("code", _l("代码"), Town.code), Sort("name", _l("名称"), Town.name)], "code"
)
PARK_SPEC = _reference_spec(
    Park, [Sort("name", _l("名称"), Park.name)], "name", eager=(joinedload(Park.town),)
)
TAG_SPEC = _reference_spec(
    Tag, [Sort("code", _l("代码"), Tag.code), Sort("name", _l("名称"), Tag.name)], "code"
)
