"""Helpers the HTML views share: turning service outcomes into pages, links that keep list arguments."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..records.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from .forms import show_errors


def get_or_abort(record_type, record_id, options: tuple = ()):
    """The record if the user may see it; 404 otherwise (a manager learns nothing of other incubators).
    ``options``: loader options for what the page reads of it."""
    from ..records.writer import get_visible

    try:
        return get_visible(record_type, current_user, record_id, options)
    except NotFound:
        abort(404)


def get_for_update(record_type, record_id):
    """The record if the user may see it (404 otherwise) and change it (403 otherwise)."""
    record = get_or_abort(record_type, record_id)
    if not record_type.allowed(current_user, "update", record):
        abort(403)
    return record


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


def save_edit(record_type, schema, record, form, data=None, **update_args):
    """An edit page's form: filled from ``record`` when shown; when posted and valid, the write path's update
    of ``record`` with the form's version (``data`` adjusts the form's values), a stale version refilling the
    form with what is stored now. Returns the saved record (after saying so), or None: show the page."""
    from ..records import writer
    from .forms import fill, form_data

    if not form.is_submitted():
        fill(form, schema, record)
        return None
    if not form.validate():
        return None
    values = form_data(form, schema)
    values = data(values) if data else values
    saved = run_write(
        form,
        lambda: writer.update(record_type, current_user, record.id, form.version.data, values, **update_args),
        on_stale=lambda current: fill(form, schema, current),
    )
    if saved is not None:
        flash(_("已保存。"), "success")
    return saved


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
