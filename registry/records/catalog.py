"""Every record type by name, so the change log, the API, the import, the dashboard and the reports find a
record type's schema and presentation; the record types are declared in each area's ``services`` module."""

from __future__ import annotations

from importlib import import_module

from .record_type import ChildRecordType, RecordType

RECORD_TYPES: dict[str, RecordType] = {}
# Record types written under a parent (a listing candidate's stages): not registers of their own, but their
# change-log entries explain their parent's numbers.
CHILD_RECORD_TYPES: dict[str, ChildRecordType] = {}

# The modules that declare record types (importing them registers their record types).
AREAS = (
    "reference",
    "enterprises",
    "incubation",
    "certifications",
    "finance",
    "listing",
    "reports.workspace",
)


def register(record_type: RecordType) -> RecordType:
    RECORD_TYPES[record_type.name] = record_type
    return record_type


def register_child(record_type: ChildRecordType) -> ChildRecordType:
    CHILD_RECORD_TYPES[record_type.name] = record_type
    return record_type


def children_of(name: str) -> list[ChildRecordType]:
    """The record types written under records of the record type ``name``."""
    _load()
    return [child for child in CHILD_RECORD_TYPES.values() if child.parent.name == name]


def get_any(name: str) -> RecordType | None:
    """A record type or a child record type by name (what a change-log entry's object type names)."""
    return get(name) or CHILD_RECORD_TYPES.get(name)


def get(name: str) -> RecordType | None:
    if name not in RECORD_TYPES:
        _load()
    return RECORD_TYPES.get(name)


def _load() -> None:
    for area in AREAS:
        import_module(f"registry.{area}.services")


def record_types() -> list[RecordType]:
    """Every record type, in its declared order."""
    _load()
    return sorted(RECORD_TYPES.values(), key=lambda record_type: record_type.order)


def by_name() -> dict[str, RecordType]:
    return {record_type.name: record_type for record_type in record_types()}


def counted() -> list[RecordType]:
    """The record types the overview counts."""
    return [record_type for record_type in record_types() if record_type.counted]


def collections() -> list[RecordType]:
    """The record types the API serves."""
    return [record_type for record_type in record_types() if record_type.collection is not None]


def importable() -> list[RecordType]:
    """The record types the import reads."""
    return [record_type for record_type in record_types() if record_type.import_sheet]


# What a record type fills: the data slots (class attributes) and the methods it may override, with what each is for.
SLOTS = {
    "name": "the object type in the change log and the API (one spelling, snake_case)",
    "model": "the table",
    "schema": "the fields: form, API input, OpenAPI, import columns",
    "write_roles": "who may create, edit, archive and restore",
    "order": "its place in the overview, the API's collections and the import's record types",
    "plural": "the register's code name: `flask import --kind`, the overview card",
    "title": "the register's name (overview)",
    "log_title": "the change log's name for it, if not the title",
    "menu": "(group, position) in the menu, of its list page list_endpoint; None: not in the menu",
    "list_title": "the list page's heading, if not the title",
    "unit": "the counting word of its list and the overview",
    "counted": "the home page's overview counts it",
    "endpoint": "the record's page (with endpoint_arg); None: the change log links to its firm",
    "collection": "the API path segment; None: not in the API",
    "api_title": "the API's Chinese name (OpenAPI summaries)",
    "api_extra_schema": "read-only fields of its API item beyond the schema (with the method api_extra)",
    "import_sheet": "the import sheet's name; empty: not importable",
    "import_example": "one filled-in row of the import template",
}
METHODS = (
    "list_spec",
    "label",
    "visible",
    "allowed",
    "check",
    "complete",
    "record_page",
    "drill_options",
    "drill_label",
    "drill_line",
)
REQUIRED = ("name", "model", "schema", "order", "plural", "title")


def filled(record_type: RecordType) -> list[str]:
    """The slots ``record type`` fills (differs from RecordType's default) and the methods it overrides."""
    cls = type(record_type)
    data = [
        slot
        for slot in SLOTS
        if slot in REQUIRED or getattr(cls, slot, None) != getattr(RecordType, slot, None)
    ]
    methods = [f"{m}()" for m in METHODS if getattr(cls, m) is not getattr(RecordType, m)]
    return data + methods


def adding_a_record_type() -> str:
    """What adding a record type takes, as text: the slots, then what each record type fills today."""
    lines = [
        "A new record type is a RecordType subclass in <area>/services.py, registered in the catalog.",
        "",
    ]
    lines += ["Slots:"] + [f"  {slot:15} {purpose}" for slot, purpose in SLOTS.items()]
    lines += ["", "Methods it may override: " + ", ".join(METHODS), "", "The record types today:"]
    lines += [f"  {record_type.name:18} {' '.join(filled(record_type))}" for record_type in record_types()]
    lines += [
        "",
        "Beyond the declaration, in an existing area: the model (models/<area>.py, exported by models/__init__.py),",
        "a migration, the list definition (<area>/filters.py, returned by list_spec()), the pages",
        "(<area>/routes.py: one RecordPages with its columns) and the English catalog (messages.po). The menu,",
        "the overview, the API collection, the import sheet, the change log's names and the drill-down are read",
        "from the declaration; a new area also joins AREAS above.",
    ]
    return "\n".join(lines)
