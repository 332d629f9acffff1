"""How change-log entries read on pages and in exports: labels for actions, record types and fields, values shown
as people read them (labels for codes, 是/否, the names of referenced records).

A page of entries is read in a constant number of statements: :func:`describe` collects every record the
page's values name and reads their names in one statement per referenced table, whatever the page's size.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select

from ..auth.audit import account_change_rows, account_references
from ..extensions import db
from ..listing.services import STAGE
from ..models import ChangeLog
from ..records import catalog, dated
from ..records.fields import Names, resolve_names

ACTION_LABELS = {"create": _l("新建"), "update": _l("修改"), "archive": _l("归档"), "restore": _l("恢复")}
# The object types' names: every record type's (and the listing stage's, a record type written under its
# candidate), and those of what else the change log records.
OBJECT_LABELS = {
    record_type.name: record_type.object_label() for record_type in (*catalog.record_types(), STAGE)
} | {
    "user": _l("用户"),
    "report_snapshot": _l("报告快照"),
    "import": _l("批量导入"),
}

Row = tuple[str, str, str]  # (field label, before, after)
_ROWS = "_change_rows"  # where :func:`describe` leaves an entry's rows: (language, rows)


def _field_label(name: str) -> str:
    label = _dated_log_label(name)  # a dated field's effective date, a correction of its history
    if label is not None:
        return label
    return {
        "archived_at": _("归档时间"),
        "archived_reason": _("归档原因"),
        "address": _("地址"),  # of a sign-in
        "created": _("新建"),  # rows of an import
        "updated": _("更新"),
        "errors": _("错误行"),
    }.get(name, name)


def _changes(entry: ChangeLog):
    return (entry.changes or {}).items()


def _references(entry: ChangeLog) -> list:
    if entry.object_type == "user":
        return account_references(entry.changes)
    record_type = catalog.get_any(entry.object_type)
    if record_type is None:
        return []
    found = []
    for name, values in _changes(entry):
        field = record_type.schema.by_name.get(name)
        if field is not None:
            for value in values:
                found.extend(field.references(value))
    return found


def _rows(entry: ChangeLog, names: Names) -> list[Row]:
    if entry.object_type == "user":
        return account_change_rows(entry.changes, names)
    record_type = catalog.get_any(entry.object_type)
    rows = []
    for name, (before, after) in _changes(entry):
        field = record_type.schema.by_name.get(name) if record_type else None
        if field is None:
            rows.append((_field_label(name), _plain(before), _plain(after)))
        else:
            rows.append((str(field.label), field.display(before, names), field.display(after, names)))
    return rows


def _plain(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return _("是")
    return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)


def describe(entries):
    """The entries, each with its rows ready for :func:`change_rows`: the names of every record the
    entries refer to are read at once (one statement per referenced table)."""
    entries = list(entries)
    language = str(get_locale())
    fresh = [entry for entry in entries if entry.__dict__.get(_ROWS, (None,))[0] != language]
    names = resolve_names(ref for entry in fresh for ref in _references(entry))
    for entry in fresh:
        setattr(entry, _ROWS, (language, _rows(entry, names)))
    return entries


def change_rows(entry: ChangeLog) -> list[Row]:
    """(field label, before, after) for a change-log entry, with codes shown as their labels."""
    describe([entry])  # nothing to read when the entry's page was described already
    return entry.__dict__[_ROWS][1]


# A firm's entries and a record's, newest first: built once (the firm, the record and the limit bound when
# they run), the visibility of the entries added for a user who does not see everything.
_NEWEST = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(bindparam("limit"))
_FIRM_HISTORY = _NEWEST.where(ChangeLog.enterprise_id == bindparam("firm"))
_RECORD_HISTORY = _NEWEST.where(
    ChangeLog.object_type == bindparam("type"), ChangeLog.object_id == bindparam("id")
)


def history(
    enterprise_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    limit: int = 100,
) -> list[ChangeLog]:
    """A record's (or a firm's) change-log entries, those about records the signed-in user may see."""
    from .. import permissions

    if enterprise_id is not None:
        query, params = _FIRM_HISTORY, {"firm": enterprise_id}
    else:
        query, params = _RECORD_HISTORY, {"type": object_type, "id": object_id}
    user = current_user._get_current_object()
    if not permissions.sees_everything(user):
        query = query.where(permissions.change_log_visible(user))
    return describe(db.session.scalars(query, params | {"limit": limit}))


def _dated_log_label(name: str) -> str | None:
    """The change log's label of what a dated write adds to its changes (None: not one of them)."""
    if name == dated.EFFECTIVE_ON:
        return str(dated.EFFECTIVE_ON_LABEL)
    if name == dated.CORRECT_HISTORY:
        return str(dated.CORRECT_HISTORY_LABEL)
    for declared in dated.DECLARATIONS.values():
        for fld in declared.fields:
            if name == f"{fld.name}_history":
                return _("%(field)s的历史（更正前 → 更正后）", field=fld.label)
    return None
