"""Reference-data pages for admins (everyone may read them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..forms import options
from ..pages import Column, RecordPages
from .filters import PARK_SPEC, TAG_SPEC, TOWN_SPEC, town_choices
from .services import PARK, TAG, TOWN


def _park_towns(form) -> None:
    form.town_id.choices = options(town_choices(blank=True))


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
