"""The collections of the API: each is a record kind with its list definition and JSON shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..certifications.listing import SPEC as CERTIFICATION_SPEC
from ..certifications.services import CERTIFICATION
from ..enterprises.listing import SPEC as ENTERPRISE_SPEC
from ..enterprises.services import ENTERPRISE
from ..finance.filters import LOAN_SPEC, OUTREACH_SPEC
from ..finance.services import LOAN, OUTREACH
from ..incubation.filters import INCUBATOR_SPEC, TENANCY_SPEC
from ..incubation.services import INCUBATOR, TENANCY
from ..listing.filters import CANDIDATE_SPEC, TRAINING_SPEC
from ..listing.services import CANDIDATE, TRAINING, current_stage
from ..lists import ListSpec
from ..records.fields import to_json
from ..records.kind import RecordKind
from ..reference.filters import PARK_SPEC, TAG_SPEC, TOWN_SPEC
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
