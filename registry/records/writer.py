"""The one write path (DESIGN.md §2): validate, check permission, check version, log, commit once.

Every face calls these functions: the HTML forms, the JSON API, the import and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import permissions
from ..db import write_transaction
from ..domain import InputError
from ..extensions import db
from ..models import User, utcnow
from . import dated
from .changelog import change_row, diff, log_change, log_changes, plain
from .errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from .fields import Text, named
from .inserts import insert_new
from .record_type import ChildRecordType, RecordType

MAX_ID = 2**31 - 1
_REASON = Text("archived_reason", "归档原因", max_length=200)


def get_visible(record_type: RecordType, user: User | None, record_id, options: tuple = ()) -> object:
    """The record if it exists and ``user`` may see it; NotFound otherwise (no hint which). ``options``:
    loader options for what the caller reads of it (its page's related rows, loaded with it)."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < record_id <= MAX_ID:  # beyond what a database integer holds: no such record
        raise NotFound()
    query = record_type.visible(user, _by_id(record_type.model, options))
    if options:  # a collection joined to it comes as several rows of the one record
        record = db.session.scalars(query, {"record_id": record_id}).unique().first()
    else:
        record = db.session.scalar(query, {"record_id": record_id})
    if record is None:
        raise NotFound()
    return record


# A record by its id with its loader options, built once per model and options (the id bound when it runs):
# building the statement and its cache key costs more than a page's reading it. Keyed by the options'
# identity, each a caller's constant; a flood of options made per call empties it.
_BY_ID: dict[tuple, tuple] = {}


def _by_id(model, options: tuple):
    key = (model, id(options))
    kept = _BY_ID.get(key)
    if kept is None or kept[0] is not options:
        if len(_BY_ID) > 64:
            _BY_ID.clear()
        statement = select(model).where(model.id == bindparam("record_id"))
        kept = _BY_ID[key] = (options, statement.options(*options) if options else statement)
    return kept[1]


def check_version(record, version) -> None:
    if version is None or version == "":
        raise ValidationFailed.one("version", _("缺少版本号（version），请重新打开记录后再保存"))
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationFailed.one("version", _("版本号（version）应为整数")) from None
    if version != record.version:
        raise StaleVersion(record)


def _flush(record_type: RecordType, record) -> None:
    # No rollback here: the enclosing write transaction (or an import's savepoint) undoes the whole write.
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(model=record_type.model, record_id=record.id) from None
    except IntegrityError as error:
        raise Conflict(_("与现有记录冲突，未保存：%(detail)s", detail=_constraint(error))) from None


def _constraint(error: IntegrityError) -> str:
    text = str(error.orig)
    return text.splitlines()[0][:200]


class Deferred:
    """New records waiting to be inserted together as rows (records/inserts.py), then their change-log rows
    (a bulk import's batch)."""

    def __init__(self) -> None:
        # Each new record with its record type, user and what its change-log row adds to its values.
        self.pending: list[tuple[RecordType, object, User | None, dict]] = []

    def flush(self) -> None:
        """Insert what is waiting; a broken constraint raises :class:`Conflict` for the whole batch."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        by_model: dict[type, list] = {}
        for record_type, record, _user, _extra in pending:
            by_model.setdefault(record_type.model, []).append(record)
        try:
            for records in by_model.values():
                insert_new(records)
        except IntegrityError as error:
            raise Conflict(_("与现有记录冲突，未保存：%(detail)s", detail=_constraint(error))) from None
        log_changes(
            [
                change_row("create", *_create_entry(record_type, record, user, extra))
                for record_type, record, user, extra in pending
            ]
        )


_deferred: ContextVar[Deferred | None] = ContextVar("deferred_creates", default=None)


@contextmanager
def deferred_creates() -> Iterator[Deferred]:
    """Inside a write transaction, creates of record types with ``defers_flush`` are inserted together at the end.

    Each create is validated, permission-checked and built at once, exactly as alone; only the INSERTs and
    the change-log rows wait, so a batch of rows costs a few statements instead of a few per row. The new
    records are not added to the session: their rows are read off them and inserted table by table. Rules that
    involve other rows of the same batch are the database's constraints, which fail the flush as a whole
    (the caller then redoes the batch row by row). Queries inside the block do not flush pending records.
    """
    if not db.session.info.get("write_depth"):
        raise RuntimeError("deferred_creates() needs an enclosing write transaction")
    batch = Deferred()
    token = _deferred.set(batch)
    try:
        with db.session.no_autoflush:
            yield batch
            batch.flush()
    finally:
        _deferred.reset(token)


def flush_deferred() -> None:
    """Insert the records waiting in the current batch now (when a later row needs their ids)."""
    batch = _deferred.get()
    if batch is not None:
        batch.flush()


def _create_entry(record_type: RecordType, record, user: User | None, extra: dict) -> tuple:
    """What the change log says of a new record (all but the action); ``extra``: the dated fields' date."""
    return (
        record_type.name,
        record,
        diff({}, record_type.snapshot(record)) | extra,
        user,
        record_type.enterprise_id(record),
        record_type.label(record),
    )


def _clean(record_type: RecordType, data: dict, **kwargs) -> tuple[dict, dated.Options]:
    """The schema's values and the write's options (``effective_on`` of dated fields), with every error of
    both reported at once."""
    data, options, errors = dated.take_options(record_type, data)
    try:
        values = record_type.schema.clean(data, **kwargs)
    except ValidationFailed as error:
        raise ValidationFailed(error.errors | errors) from None
    if errors:
        raise ValidationFailed(errors)
    return values, options


def create(
    record_type: RecordType,
    user: User | None,
    data: dict,
    *,
    strict: bool = False,
    confirmed: bool = False,
    authorized: bool = False,
):
    """Create a record from ``data``; returns it, committed (or joined to an enclosing write).

    ``authorized`` is for services that checked a broader permission themselves (a manager registering a
    tenant may create the tenant's firm). References in ``data`` resolve only to records ``user`` may see.
    """
    with write_transaction(), permissions.acting_as(user):
        if not authorized and not record_type.allowed(user, "create"):
            raise PermissionDenied()
        cleaned, options = _clean(record_type, data, strict=strict)
        values = record_type.complete(cleaned, None)
        # Permission before the rules across records, so a refused write learns nothing about other records.
        if not authorized and not record_type.allowed(user, "create", None, values):
            raise PermissionDenied()
        record_type.check(values, None, confirmed=confirmed)
        plan = dated.plan_create(record_type, values, options)
        record = record_type.new()
        with db.session.no_autoflush:
            record_type.apply(record, values)
            extra = plan.write(record) if plan else {}
        batch = _deferred.get()
        if batch is not None and record_type.defers_flush:
            batch.pending.append((record_type, record, user, extra))  # inserted as rows with the batch
            return record
        db.session.add(record)
        _flush(record_type, record)
        log_change("create", *_create_entry(record_type, record, user, extra))
    return record


def update(
    record_type: RecordType,
    user: User | None,
    record_id,
    version,
    data: dict,
    *,
    partial: bool = False,
    strict: bool = False,
    confirmed: bool = False,
    authorized: bool = False,
):
    """Change a record; ``version`` must be the one the user saw, else :class:`StaleVersion`.

    ``confirmed`` is the user's word that a possible duplicate is another record, as for :func:`create`.
    ``authorized`` is for a change that follows from a write already permitted (a firm's deregistration
    ends its stays in every incubator): the record is found and changed whoever ``user`` is; the change
    log still names ``user``.
    """
    with write_transaction(), permissions.acting_as(user):
        record = get_visible(record_type, None if authorized else user, record_id)
        if not authorized and not record_type.allowed(user, "update", record):
            raise PermissionDenied()
        check_version(record, version)
        if record.archived_at is not None:
            raise ValidationFailed.one("archived_at", _("记录已归档，请先恢复再修改"))
        cleaned, options = _clean(record_type, data, partial=partial, strict=strict)
        before = record_type.snapshot(record)
        merged = record_type.complete(before | cleaned, record)
        if not authorized and not record_type.allowed(user, "update", record, merged):
            raise PermissionDenied()
        record_type.check(merged, record, confirmed=confirmed)
        # The dated fields it changes, from when (refused before their latest change unless correcting).
        plan = dated.plan_update(record_type, record, before, merged, options)
        changed = {k: v for k, v in merged.items() if k in cleaned or plain(v) != plain(before.get(k))}
        with db.session.no_autoflush:
            record_type.apply(record, changed)
            extra = plan.write(record) if plan else {}
        _flush(record_type, record)
        changes = diff(before, record_type.snapshot(record))
        if changes and record.version == int(version):
            # Only a set changed (tags, founder groups, participants: rows of other tables), which leaves
            # the row and its version as they were. Move the version (UPDATE … WHERE version = the old
            # one) so that an edit made from the old version is refused instead of putting the old set back.
            record.version += 1
            _flush(record_type, record)
        if changes:
            log_change(
                "update",
                record_type.name,
                record,
                changes | extra,
                user,
                record_type.enterprise_id(record),
                record_type.label(record),
            )
            record_type.after_update(record, before, user)
    return record


def add_child(
    record_type: ChildRecordType, user: User | None, parent_id, version, data: dict, *, strict: bool = False
):
    """Add a record under a parent (``version`` is the parent's, as the user saw it); returns it, committed.

    The parent's rules apply: it must be visible to ``user``, ``user`` may update it, the version is the
    current one and it is not archived; the addition moves the parent's version on and is logged.
    """
    with write_transaction(), permissions.acting_as(user):
        parent = get_visible(record_type.parent, user, parent_id)
        if not record_type.parent.allowed(user, "update", parent):
            raise PermissionDenied()
        values = record_type.schema.clean(data, strict=strict)
        check_version(parent, version)
        if parent.archived_at is not None:
            field, message = record_type.parent_archived
            raise ValidationFailed.one(field, str(message))
        record_type.check_under(parent, values)
        before = record_type.before(parent)
        record = record_type.new()
        record_type.apply(record, values)
        record_type.attach(parent, record)
        parent.updated_at = utcnow()  # an addition is a change of the parent: its version moves on
        _flush(record_type, record)
        log_change(
            "create",
            record_type.name,
            record,
            diff(before, record_type.snapshot(record)),
            user,
            record_type.parent.enterprise_id(parent),
            record_type.label_under(parent, record),
        )
    return record


def archive(record_type: RecordType, user: User | None, record_id, version, reason: str | None = None):
    """Archive instead of delete: the record leaves lists and counts and keeps its history."""
    with write_transaction():
        record = get_visible(record_type, user, record_id)
        if not record_type.allowed(user, "archive", record):
            raise PermissionDenied()
        check_version(record, version)
        if record.archived_at is not None:
            raise ValidationFailed.one("archived_at", _("记录已归档"))
        try:
            reason = _REASON.parse(reason)
        except InputError as error:
            raise ValidationFailed.one("archived_reason", named(_REASON.label, error.message)) from None
        record_type.check_archive(record)
        record.archived_at = utcnow()
        record.archived_reason = reason
        _flush(record_type, record)
        log_change(
            "archive",
            record_type.name,
            record,
            {
                "archived_at": [None, record.archived_at.isoformat(timespec="seconds")],
                "archived_reason": [None, reason],
            },
            user,
            record_type.enterprise_id(record),
            record_type.label(record),
        )
    return record


def restore(record_type: RecordType, user: User | None, record_id, version):
    """Bring an archived record back; the same rules as a new record apply (e.g. unique USCC)."""
    with write_transaction(), permissions.acting_as(user):
        record = get_visible(record_type, user, record_id)
        if not record_type.allowed(user, "restore", record):
            raise PermissionDenied()
        check_version(record, version)
        if record.archived_at is None:
            raise ValidationFailed.one("archived_at", _("记录未归档"))
        before_at, before_reason = record.archived_at, record.archived_reason
        record.archived_at = None
        record.archived_reason = None
        record_type.check(record_type.snapshot(record), record, confirmed=True)
        _flush(record_type, record)
        log_change(
            "restore",
            record_type.name,
            record,
            {
                "archived_at": [before_at.isoformat(timespec="seconds"), None],
                "archived_reason": [before_reason, None],
            },
            user,
            record_type.enterprise_id(record),
            record_type.label(record),
        )
    return record
