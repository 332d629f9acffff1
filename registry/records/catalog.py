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
