"""Every record kind by name, so the change log, the API, the import, the dashboard and the reports find a
kind's schema and presentation; the kinds are declared in each area's ``services`` module."""

from __future__ import annotations

from importlib import import_module

from .kind import RecordKind

KINDS: dict[str, RecordKind] = {}

# The modules that declare kinds (importing them registers their kinds).
AREAS = ("reference", "enterprises", "incubation", "certifications", "finance", "listing")


def register(kind: RecordKind) -> RecordKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> RecordKind | None:
    if name not in KINDS:
        _load()
    return KINDS.get(name)


def _load() -> None:
    for area in AREAS:
        import_module(f"registry.{area}.services")


def kinds() -> list[RecordKind]:
    """Every kind, in its declared order."""
    _load()
    return sorted(KINDS.values(), key=lambda kind: kind.order)


def by_name() -> dict[str, RecordKind]:
    return {kind.name: kind for kind in kinds()}


def counted() -> list[RecordKind]:
    """The kinds the overview counts."""
    return [kind for kind in kinds() if kind.unit is not None]


def collections() -> list[RecordKind]:
    """The kinds the API serves."""
    return [kind for kind in kinds() if kind.collection is not None]


def importable() -> list[RecordKind]:
    """The kinds the import reads."""
    return [kind for kind in kinds() if kind.import_sheet]


# What a kind fills: the data slots (class attributes) and the methods it may override, with what each is for.
SLOTS = {
    "name": "the object type in the change log and the API (one spelling, snake_case)",
    "model": "the table",
    "schema": "the fields: form, API input, OpenAPI, import columns",
    "write_roles": "who may create, edit, archive and restore",
    "order": "its place in the overview, the API's collections and the import's kinds",
    "plural": "the register's code name: `flask import --kind`, the overview card",
    "title": "the register's name (overview)",
    "log_title": "the change log's name for it, if not the title",
    "menu": "(group, position) in the menu, of its list page list_endpoint; None: not in the menu",
    "unit": "the overview's counting word; None: not counted there",
    "endpoint": "the record's page (with endpoint_arg); None: the change log links to its firm",
    "collection": "the API path segment; None: not in the API",
    "api_title": "the API's Chinese name (OpenAPI summaries)",
    "import_sheet": "the import sheet's name; empty: not importable",
    "import_example": "one filled-in row of the import template",
}
METHODS = ("label", "visible", "allowed", "check", "complete", "record_page", "drill_options", "drill_label")
REQUIRED = ("name", "model", "schema", "order", "plural", "title")


def filled(kind: RecordKind) -> list[str]:
    """The slots ``kind`` fills (differs from RecordKind's default) and the methods it overrides."""
    cls = type(kind)
    data = [
        slot
        for slot in SLOTS
        if slot in REQUIRED or getattr(cls, slot, None) != getattr(RecordKind, slot, None)
    ]
    methods = [f"{m}()" for m in METHODS if getattr(cls, m) is not getattr(RecordKind, m)]
    return data + methods


def adding_a_kind() -> str:
    """What adding a kind takes, as text: the slots, then what each kind fills today."""
    lines = [
        "A new record kind is a RecordKind subclass in <area>/services.py, registered in the catalog.",
        "",
    ]
    lines += ["Slots:"] + [f"  {slot:15} {purpose}" for slot, purpose in SLOTS.items()]
    lines += ["", "Methods it may override: " + ", ".join(METHODS), "", "The kinds today:"]
    lines += [f"  {kind.name:18} {' '.join(filled(kind))}" for kind in kinds()]
    lines += [
        "",
        "Beyond the declaration: the model (models/), a migration, the list definition (<area>/filters.py),",
        "the pages (<area>/routes.py with RecordPages, its blueprint in registry/__init__.py), its list in",
        "api/collections.LIST_SPECS if it has a collection, its menu entry (templates/base.html) and translations.",
    ]
    return "\n".join(lines)
