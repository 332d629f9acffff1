"""Every record kind by name, so the change log, the API and the import can find a kind's schema."""

from __future__ import annotations

from .kind import RecordKind

KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> RecordKind | None:
    return KINDS.get(name)
