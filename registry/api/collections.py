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
from ..records import catalog
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

# Each collection's list definition, by kind name; the path segment and title are the kind's own.
LIST_SPECS = {
    TOWN.name: TOWN_SPEC,
    PARK.name: PARK_SPEC,
    TAG.name: TAG_SPEC,
    ENTERPRISE.name: ENTERPRISE_SPEC,
    INCUBATOR.name: INCUBATOR_SPEC,
    TENANCY.name: TENANCY_SPEC,
    CERTIFICATION.name: CERTIFICATION_SPEC,
    OUTREACH.name: OUTREACH_SPEC,
    LOAN.name: LOAN_SPEC,
    CANDIDATE.name: CANDIDATE_SPEC,
    TRAINING.name: TRAINING_SPEC,
}
EXTRAS = {CANDIDATE.name: (_candidate_extra, _STAGES_SCHEMA)}

COLLECTIONS = [
    Collection(kind.collection, kind, LIST_SPECS[kind.name], kind.api_title, *EXTRAS.get(kind.name, ()))
    for kind in catalog.collections()
]
BY_NAME = {c.name: c for c in COLLECTIONS}
