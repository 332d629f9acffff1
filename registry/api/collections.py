"""The collections of the API: each is a record type with its list definition and JSON shape."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..list_engine import ListSpec
from ..records import catalog, dated
from ..records.fields import to_json
from ..records.record_type import RecordType


@dataclass
class Collection:
    name: str  # the URL segment
    record_type: RecordType
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
        data |= to_json(self.record_type.schema, record)
        if self.extra:
            data |= self.extra(record)
        if dated.declaration(self.record_type):
            data["history"] = dated.history(self.record_type, record)
        return data

    def for_items(self, spec: ListSpec) -> ListSpec:
        """``spec`` (the list definition, maybe narrowed) reading what a page of items shows beyond the list
        page's rows — the dated fields' histories — in a constant number of statements."""
        loaders = dated.loaders(self.record_type)
        return replace(spec, eager=(*spec.eager, *loaders)) if loaders else spec


def _stamp(value):
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


COLLECTIONS = [
    Collection(
        record_type.collection,
        record_type,
        record_type.list_spec(),
        record_type.api_title,
        record_type.api_extra if record_type.api_extra_schema else None,
        record_type.api_extra_schema,
    )
    for record_type in catalog.collections()
]
BY_NAME = {c.name: c for c in COLLECTIONS}
