"""A record type: the slots one model fills to use the shared write path, lists, API and import."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from ..models import User
from .fields import Schema


class RecordType:
    """Override the slots that differ; the defaults suit a plain record edited by ``write_roles``."""

    name: str = ""  # the object type in the change log and the API
    model: type
    schema: Schema
    write_roles: frozenset[str] = frozenset()
    # May a bulk run insert new records of this record type together (writer.deferred_creates)? Only when every
    # rule that involves other records of the same record type is a database constraint.
    defers_flush: bool = False
    # Do this record type's change-log entries name firms beyond the one it belongs to (a training's participants)?
    # Then only users who see everything read them.
    history_names_other_firms: bool = False

    # ---- presentation: where the record type shows up (the maps of the dashboard, change log, reports, API and
    # import are read from these; tests/test_record_types.py lists them) ----
    order: int = 0  # its place in the overview, the API's collections and the import's record types
    plural: str = ""  # the register's code name: ``flask import --kind``, the overview card's data-kind
    title: str = ""  # what one calls the register (the overview's label)
    log_title: str = ""  # the object type's name in the change log (``title`` when empty)
    list_title: str = ""  # the list page's heading (``title`` when empty)
    unit: str = ""  # the counting word (家, 条, 个 …) of its list and the overview
    counted: bool = False  # the home page's overview counts it
    # The menu: (group, position) of the record type's list page, ``list_endpoint`` (registry/menu.py holds the
    # groups and the other pages); None: not in the menu.
    menu: tuple[str, int] | None = None
    list_endpoint: str = ""
    endpoint: str | None = None  # the record's page, by its id; None: the change log links to its firm
    endpoint_arg: str = "record_id"  # that page's id argument
    collection: str | None = None  # the API's path segment (``/api/v1/<collection>``); None: not in the API
    api_title: str = ""  # the API's name for it, in Chinese (OpenAPI summaries)
    import_sheet: str = ""  # the import sheet's Chinese name; empty: not importable
    import_example: dict | None = None  # one filled-in row for the import template

    def list_spec(self):
        """The list definition (``<area>/filters.py``) its pages, exports and API collection share; imported
        when asked for, so the declaration and the list definition may refer to each other."""
        return None

    # Read-only fields of the API item beyond the schema (e.g. a listing candidate's stages), with their
    # JSON schema for OpenAPI; empty: none.
    api_extra_schema: ClassVar[dict] = {}

    def api_extra(self, record) -> dict:
        return {}

    # The API list's page read as plain rows (``page`` select → rows with the names the item reads: columns,
    # schema fields, dated spans), so no record object is built for a row only sent; None: as records.
    api_rows: ClassVar[Callable[[Select], list] | None] = None

    def object_label(self) -> str:
        return self.log_title or self.title

    def page(self, record_id: int) -> tuple[str, dict] | None:
        """The endpoint and arguments of a record's page, from its id alone."""
        return (self.endpoint, {self.endpoint_arg: record_id}) if self.endpoint else None

    def record_page(self, record) -> tuple[str, dict] | None:
        """The endpoint and arguments of the page that shows ``record`` (a report's drill-down links it)."""
        return self.page(record.id)

    def drill_options(self) -> tuple:
        """Loader options for listing this record type's records behind a report's number."""
        return ()

    def drill_label(self, record) -> str:
        """A record's line in the list behind a report's number."""
        return self.label(record)

    def drill_line(self, record) -> str:
        """The record's line under its firm in the list behind a 家 number, which names the firm already
        (loaded with :meth:`drill_options`)."""
        return self.drill_label(record)

    def label(self, record) -> str:
        return str(record)

    def enterprise_id(self, record) -> int | None:
        """The enterprise the record belongs to, so the firm's page shows its history too."""
        return getattr(record, "enterprise_id", None)

    def visible(self, user: User | None, query: Select) -> Select:
        """Restrict a query of this record type to the rows ``user`` may see (defaults: everything)."""
        return query

    def allowed(self, user: User | None, action: str, record=None, values: dict | None = None) -> bool:
        """May ``user`` do ``action`` (create, update, archive, restore) to ``record`` with ``values``?"""
        return user is None or user.has_role(*self.write_roles)

    def check(self, values: dict, record=None, *, confirmed: bool = False) -> None:
        """Rules across fields and records, on the record as it would be; raise ValidationFailed."""

    def after_update(self, record, before: dict, user: User | None) -> None:
        """Writes that follow from a change (``before`` is the record's snapshot before it), made in the same
        transaction and so under the same request id: a firm's deregistration ends its open stays.

        Everything that could refuse them is checked in :meth:`check` first; a refusal here would leave a
        bulk run's batch half-written, so it must be raised as a :class:`Conflict` (which redoes the batch
        row by row, each in its own savepoint)."""

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


class FirmRecordType(RecordType):
    """A record that belongs to one enterprise: an incubator manager sees those of their own tenants only."""

    def visible(self, user: User | None, query: Select) -> Select:
        from .. import permissions

        if permissions.sees_everything(user):
            return query
        return query.where(permissions.tenant_of_managed(user, self.model.enterprise_id))

    def drill_options(self) -> tuple:
        """Behind a report's number each record is shown with its firm: loaded in the same statement."""
        from sqlalchemy.orm import joinedload

        return (joinedload(self.model.enterprise),)


class ChildRecordType(RecordType):
    """A record added under another one (a listing candidate's dated stage), written through its parent:
    whoever may update the parent may add one, the parent's version guards against two clerks at once and
    moves on with the addition, and nothing is added under an archived parent."""

    parent: RecordType
    # The field and message of the refusal under an archived parent.
    parent_archived: tuple[str, str] = ("archived_at", _l("记录已归档，请先恢复再修改"))

    def before(self, parent) -> dict:
        """What the change log shows as the state before the addition (nothing by default)."""
        return {}

    def check_under(self, parent, values: dict) -> None:
        """Rules involving the parent and its other children; raise ValidationFailed."""

    def attach(self, parent, record) -> None:  # pragma: no cover — every child record type overrides it
        raise NotImplementedError

    def label_under(self, parent, record) -> str:
        return f"{self.parent.label(parent)} · {self.label(record)}"
