"""The incubator and tenancy lists (one definition for the API, its exports and the pages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.text import clean_name
from ..enterprises.filters import firm_owned_spec
from ..enums import ExitReason, IncubatorKind, Level
from ..list_engine import Filter, ListSpec, Sort, archived_filter, date_range, enum_filter, enum_parser
from ..models import Incubator, Tenancy
from ..reference.filters import town_choices
from .services import INCUBATOR, TENANCY

INCUBATOR_SPEC = ListSpec(
    model=Incubator,
    base=lambda user: INCUBATOR.visible(user, select(Incubator)),
    search=lambda q, text: q.where(Incubator.name.contains(clean_name(text), autoescape=True)),
    filters=[
        enum_filter("kind", _l("类型"), Incubator.kind, IncubatorKind),
        enum_filter("level", _l("级别"), Incubator.level, Level),
        Filter(
            "town",
            _l("镇街"),
            lambda q, v: q.where(Incubator.town_id == v),
            int,
            lambda: town_choices(archived=True),
        ),
        archived_filter(Incubator),
    ],
    sorts=[Sort("name", _l("名称"), Incubator.name)],
    default_sort="id",
    eager=(joinedload(Incubator.town),),
)

TENANCY_SPEC = firm_owned_spec(
    Tenancy,
    TENANCY,
    filters=[
        Filter("incubator", _l("孵化载体"), lambda q, v: q.where(Tenancy.incubator_id == v), int),
        Filter(
            "open",
            _l("在孵"),
            lambda q, v: q.where(Tenancy.left_on.is_(None) if v == "1" else Tenancy.left_on.is_not(None)),
            enum_parser(lambda: ("0", "1")),
        ),
        enum_filter("exit_reason", _l("离孵原因"), Tenancy.exit_reason, ExitReason),
        *date_range(
            Tenancy.moved_in_on, names=("moved_in_from", "moved_in_to"), labels=(_l("入驻起"), _l("入驻止"))
        ),
    ],
    sorts=[Sort("moved_in_on", _l("入驻日期"), Tenancy.moved_in_on, value_type="date")],
    default_sort="id",
)
