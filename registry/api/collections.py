"""The collections of the API: each is a record kind with its list definition and JSON shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..certifications.listing import SPEC as CERTIFICATION_SPEC
from ..certifications.services import CERTIFICATION
from ..domain.text import clean_name
from ..enterprises.listing import SPEC as ENTERPRISE_SPEC
from ..enterprises.listing import search as search_firms
from ..enterprises.services import ENTERPRISE
from ..enums import ExitReason, IncubatorKind, Level
from ..finance.routes import LOAN_SPEC, OUTREACH_SPEC
from ..finance.services import LOAN, OUTREACH
from ..incubation.services import INCUBATOR, TENANCY
from ..listing.routes import CANDIDATE_SPEC, TRAINING_SPEC
from ..listing.services import CANDIDATE, TRAINING, current_stage
from ..lists import Filter, ListSpec, Sort, archived_filter, date_filter, enum_filter, enum_parser
from ..models import Enterprise, Incubator, Tenancy
from ..records.fields import to_json
from ..records.kind import RecordKind
from ..reference.routes import PARK_SPEC, TAG_SPEC, TOWN_SPEC
from ..reference.services import PARK, TAG, TOWN


@dataclass
class Collection:
    name: str  # the URL segment
    kind: RecordKind
    spec: ListSpec
    title: str
    extra: Callable[[object], dict] | None = None  # fields beyond the schema, read-only
    extra_schema: dict = field(default_factory=dict)

    def item(self, record) -> dict:
        data = {
            "id": record.id,
            "version": record.version,
            "created_at": _stamp(record.created_at),
            "updated_at": _stamp(record.updated_at),
            "archived_at": _stamp(getattr(record, "archived_at", None)),
            "archived_reason": getattr(record, "archived_reason", None),
        }
        data |= to_json(self.kind.schema, record)
        if self.extra:
            data |= self.extra(record)
        return data


def _stamp(value):
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


INCUBATOR_SPEC = ListSpec(
    model=Incubator,
    base=lambda user: INCUBATOR.visible(user, select(Incubator)),
    search=lambda q, text: q.where(Incubator.name.contains(clean_name(text), autoescape=True)),
    filters=[
        enum_filter("kind", _l("类型"), Incubator.kind, IncubatorKind),
        enum_filter("level", _l("级别"), Incubator.level, Level),
        Filter("town", _l("镇街"), lambda q, v: q.where(Incubator.town_id == v), int),
        archived_filter(Incubator),
    ],
    sorts=[Sort("name", _l("名称"), Incubator.name)],
    default_sort="id",
)

TENANCY_SPEC = ListSpec(
    model=Tenancy,
    base=lambda user: TENANCY.visible(
        user, select(Tenancy).join(Enterprise, Enterprise.id == Tenancy.enterprise_id)
    ),
    search=search_firms,
    filters=[
        Filter("incubator", _l("孵化载体"), lambda q, v: q.where(Tenancy.incubator_id == v), int),
        Filter(
            "open",
            _l("在孵"),
            lambda q, v: q.where(Tenancy.left_on.is_(None) if v == "1" else Tenancy.left_on.is_not(None)),
            enum_parser(lambda: ("0", "1")),
        ),
        enum_filter("exit_reason", _l("离孵原因"), Tenancy.exit_reason, ExitReason),
        date_filter("moved_in_from", _l("入驻起"), lambda q, v: q.where(Tenancy.moved_in_on >= v)),
        date_filter("moved_in_to", _l("入驻止"), lambda q, v: q.where(Tenancy.moved_in_on <= v)),
        archived_filter(Tenancy),
    ],
    sorts=[Sort("moved_in_on", _l("入驻日期"), Tenancy.moved_in_on, kind="date")],
    default_sort="id",
    eager=(joinedload(Tenancy.enterprise),),
)


def _candidate_extra(record) -> dict:
    return {
        "current_stage": current_stage(record),
        "stages": [{"stage": s.stage, "changed_on": s.changed_on.isoformat()} for s in record.stages],
    }


_STAGES_SCHEMA = {
    "current_stage": {"type": ["string", "null"]},
    "stages": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"stage": {"type": "string"}, "changed_on": {"type": "string", "format": "date"}},
            "required": ["stage", "changed_on"],
        },
    },
}

COLLECTIONS = [
    Collection("towns", TOWN, TOWN_SPEC, "镇街"),
    Collection("parks", PARK, PARK_SPEC, "园区"),
    Collection("tags", TAG, TAG_SPEC, "标签"),
    Collection("enterprises", ENTERPRISE, ENTERPRISE_SPEC, "企业"),
    Collection("incubators", INCUBATOR, INCUBATOR_SPEC, "孵化载体"),
    Collection("tenancies", TENANCY, TENANCY_SPEC, "入孵"),
    Collection("certifications", CERTIFICATION, CERTIFICATION_SPEC, "资质认定"),
    Collection("outreach", OUTREACH, OUTREACH_SPEC, "宣传走访"),
    Collection("pledge-loans", LOAN, LOAN_SPEC, "质押贷款"),
    Collection(
        "listing-candidates", CANDIDATE, CANDIDATE_SPEC, "上市后备企业", _candidate_extra, _STAGES_SCHEMA
    ),
    Collection("trainings", TRAINING, TRAINING_SPEC, "培训"),
]
BY_NAME = {c.name: c for c in COLLECTIONS}
