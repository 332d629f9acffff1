"""Helpers the HTML views share: turning service outcomes into pages, links that keep list arguments."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .extensions import db
from .forms import show_errors
from .models import ChangeLog
from .records import catalog
from .records.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed


def get_or_abort(kind, record_id):
    """The record if the user may see it; 404 otherwise (a manager learns nothing of other incubators)."""
    from .records.writer import get_visible

    try:
        return get_visible(kind, current_user, record_id)
    except NotFound:
        abort(404)


def run_write(form, action, *, on_stale=None, passthrough: tuple = ()):
    """Call a service; on a refusal put the reason on the form and return None.

    403 and 404 abort: they are not something the user can fix in the form. Exceptions listed in
    ``passthrough`` are left to the caller (e.g. a possible duplicate, which the page shows as a list).
    """
    try:
        return action()
    except passthrough:
        raise
    except ValidationFailed as error:
        show_errors(form, error)
    except StaleVersion as error:
        flash(_("保存失败：该记录已被他人修改。下面显示的是当前内容，请核对后重新修改。"), "warning")
        if on_stale is not None:
            on_stale(error.current)
    except Conflict as error:
        if error.field and error.field in form:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            form.form_errors = [*form.form_errors, error.message]
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)
    return None


def flash_outcome(done, form, success: str) -> None:
    """After a button that posts a small form (archive, restore, an action): say how it went."""
    if done is not None:
        flash(success, "success")
        return
    messages = list(form.form_errors)
    for field in form:
        messages.extend(field.errors or [])
    flash(" ".join(str(m) for m in messages) or _("操作未完成，请刷新页面后重试。"), "danger")


def url_with(**changes) -> str:
    """The current page's URL with some arguments changed (None removes one); paging restarts."""
    args = request.args.to_dict(flat=False)
    args.pop("after", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def history(
    enterprise_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    limit: int = 100,
) -> list[ChangeLog]:
    """A record's (or a firm's) change-log entries, those about records the signed-in user may see."""
    from . import permissions

    query = (
        select(ChangeLog)
        .where(permissions.change_log_visible(current_user))
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(limit)
    )
    if enterprise_id is not None:
        query = query.where(ChangeLog.enterprise_id == enterprise_id)
    else:
        query = query.where(ChangeLog.object_type == object_type, ChangeLog.object_id == object_id)
    return list(db.session.scalars(query))


ACTION_LABELS = {"create": _l("新建"), "update": _l("修改"), "archive": _l("归档"), "restore": _l("恢复")}
OBJECT_LABELS = {
    "enterprise": _l("企业"),
    "incubator": _l("孵化载体"),
    "tenancy": _l("入孵记录"),
    "certification": _l("资质认定"),
    "outreach": _l("宣传走访"),
    "pledge_loan": _l("质押贷款"),
    "listing_candidate": _l("上市后备"),
    "stage_change": _l("上市阶段"),
    "training": _l("培训"),
    "user": _l("用户"),
    "certification_kind": _l("资质类别"),
    "town": _l("镇街"),
    "park": _l("园区"),
    "tag": _l("标签"),
    "report_snapshot": _l("报告快照"),
    "import": _l("批量导入"),
}


def change_rows(entry: ChangeLog) -> list[tuple[str, str, str]]:
    """(field label, before, after) for a change-log entry, with codes shown as their labels."""
    if entry.object_type == "user":
        from .auth.audit import account_change_rows

        return account_change_rows(entry.changes)
    kind = catalog.get(entry.object_type)
    rows = []
    for name, (before, after) in (entry.changes or {}).items():
        label = kind.schema.label(name) if kind and name in kind.schema.by_name else _field_label(name)
        rows.append((label, display(kind, name, before), display(kind, name, after)))
    return rows


def _field_label(name: str) -> str:
    return {
        "archived_at": _("归档时间"),
        "archived_reason": _("归档原因"),
        "address": _("地址"),  # of a sign-in
        "created": _("新建"),  # rows of an import
        "updated": _("更新"),
        "errors": _("错误行"),
    }.get(name, name)


def display(kind, name: str, value) -> str:
    """A stored value as people read it: labels for codes, 是/否, lists joined."""
    from .records import fields as f

    if value is None or value == "" or value == []:
        return "—"
    field = kind.schema.by_name.get(name) if kind else None
    if isinstance(field, f.Choice):
        return str(field.enum.label_of(value))
    if isinstance(field, f.ChoiceSet):
        return "、".join(str(field.enum.label_of(v)) for v in value)
    if isinstance(field, f.Boolean):
        return _("是") if value else _("否")
    if isinstance(field, (f.Reference, f.CodeChoice)) and field.model is not None:
        return _referenced_name(field, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _referenced_name(field, value) -> str:
    """The name of the record a stored id or code points to (the raw value if it is gone)."""
    from .records import fields as f

    model = field.model
    if isinstance(field, f.Reference):
        record = db.session.get(model, value) if isinstance(value, int) else None
    else:
        record = db.session.scalar(select(model).where(model.code == str(value)))
    name = getattr(record, "name", None)
    return str(name) if name else str(value)
