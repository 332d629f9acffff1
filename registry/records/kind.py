"""A record kind: the slots one model fills to use the shared write path, lists, API and import."""

from __future__ import annotations

from sqlalchemy import Select

from ..models import User
from .fields import Schema


class RecordKind:
    """Override the slots that differ; the defaults suit a plain record edited by ``write_roles``."""

    name: str = ""  # the object type in the change log and the API
    model: type
    schema: Schema
    write_roles: frozenset[str] = frozenset()
    # May a bulk run insert new records of this kind together (writer.deferred_creates)? Only when every
    # rule that involves other records of the same kind is a database constraint.
    defers_flush: bool = False
    # Do this kind's change-log entries name firms beyond the one it belongs to (a training's participants)?
    # Then only users who see everything read them.
    history_names_other_firms: bool = False

    def label(self, record) -> str:
        return str(record)

    def enterprise_id(self, record) -> int | None:
        """The enterprise the record belongs to, so the firm's page shows its history too."""
        return getattr(record, "enterprise_id", None)

    def visible(self, user: User | None, query: Select) -> Select:
        """Restrict a query of this kind to the rows ``user`` may see (defaults: everything)."""
        return query

    def allowed(self, user: User | None, action: str, record=None, values: dict | None = None) -> bool:
        """May ``user`` do ``action`` (create, update, archive, restore) to ``record`` with ``values``?"""
        return user is None or user.has_role(*self.write_roles)

    def check(self, values: dict, record=None, *, confirmed: bool = False) -> None:
        """Rules across fields and records, on the record as it would be; raise ValidationFailed."""

    def check_archive(self, record) -> None:
        """Rules that keep a record from being archived (none by default)."""

    def complete(self, values: dict, record=None) -> dict:
        """Derived values filled in before the checks: a new record's defaults (``record`` is None), or
        values that follow from others (e.g. ``valid_until`` from ``approved_on``)."""
        return values

    def apply(self, record, values: dict) -> None:
        for key, value in values.items():
            setattr(record, key, value)

    def snapshot(self, record) -> dict:
        return {f.name: getattr(record, f.name) for f in self.schema.fields}

    def new(self):
        return self.model()


class FirmRecordKind(RecordKind):
    """A record that belongs to one enterprise: an incubator manager sees those of their own tenants only."""

    def visible(self, user: User | None, query: Select) -> Select:
        from .. import permissions

        if permissions.sees_everything(user):
            return query
        return query.where(permissions.tenant_of_managed(user, self.model.enterprise_id))
