"""What a write can end in besides success; each face turns these into its own answer (form, 4xx, exit)."""

from __future__ import annotations


class RecordError(Exception):
    """Base class: a write was refused and nothing was written."""


class ValidationFailed(RecordError):
    """Input broke rules; ``errors`` maps each field to its messages (Chinese, naming the field)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})


class PermissionDenied(RecordError):
    """The user may not do this to this record."""


class NotFound(RecordError):
    """No such record (or not one the user may see)."""


class StaleVersion(RecordError):
    """The record changed since the user loaded it; ``current`` is the record as it is now (loaded when
    asked for, after the failed transaction has been rolled back)."""

    def __init__(self, current=None, *, model=None, record_id=None) -> None:
        super().__init__("stale version")
        self._current = current
        self._model, self._record_id = model, record_id

    @property
    def current(self):
        if self._current is None and self._model is not None:
            from ..extensions import db

            self._current = db.session.get(self._model, self._record_id)
        return self._current


class Conflict(RecordError):
    """The write would duplicate a unique value (e.g. a USCC registered meanwhile)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
