"""Reference-data pages for admins (everyone may read them)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..web.forms import options
from ..web.record_pages import Column, RecordPages
from .filters import town_choices
from .services import PARK, TAG, TOWN


def _park_towns(form) -> None:
    form.town_id.choices = options(town_choices(blank=True))


TOWN_PAGES = RecordPages(
    TOWN,
    [
        Column(_l("名称"), lambda t: t.name, link=True, sort="name"),
        Column(_l("代码"), lambda t: t.code, sort="code"),
    ],
    search_placeholder=_l("名称"),
)
PARK_PAGES = RecordPages(
    PARK,
    [
        Column(_l("名称"), lambda p: p.name, link=True, sort="name"),
        Column(_l("所在镇街"), lambda p: p.town.name if p.town else None),
    ],
    prepare_form=_park_towns,
    search_placeholder=_l("名称"),
)
TAG_PAGES = RecordPages(
    TAG,
    [
        Column(_l("名称"), lambda t: t.name, link=True, sort="name"),
        Column(_l("代码"), lambda t: t.code, sort="code"),
    ],
    search_placeholder=_l("名称"),
)
blueprints = (TOWN_PAGES.bp, PARK_PAGES.bp, TAG_PAGES.bp)
