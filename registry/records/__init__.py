"""The shared machinery every record type plugs into: schema fields, the write path, the change log."""

from .errors import Conflict, NotFound, PermissionDenied, RecordError, StaleVersion, ValidationFailed

__all__ = ["Conflict", "NotFound", "PermissionDenied", "RecordError", "StaleVersion", "ValidationFailed"]
