"""Outlines on pages: one outline with its rows, a new outline, its title and preamble, adding and editing rows."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...records import writer
from ...web.forms import fill, form_data
from ...web.outcomes import get_or_abort, run_write, save_edit
from . import carry
from .forms import NewRowForm, OutlineForm, OutlineSectionForm
from .routes import bp, writers_only
from .services import (
    OUTLINE,
    OUTLINE_SCHEMA,
    OUTLINE_SECTION,
    OUTLINE_SECTION_SCHEMA,
    reads_reports,
    writes_reports,
)


# ---- outlines -----------------------------------------------------------------------------------------------------
@bp.route("/outlines/<int:outline_id>")
def outline(outline_id: int, row_form=None):
    if not reads_reports(current_user):
        abort(403)
    found = get_or_abort(OUTLINE, outline_id)
    if row_form is None:
        row_form = NewRowForm(version=str(found.version))
    return render_template(
        "reports/workspace/outline.html",
        outline=found,
        structure=carry.structure(found),
        can_write=writes_reports(current_user),
        row_form=row_form,
    )


@bp.route("/outlines/new", methods=["GET", "POST"])
def create_outline():
    writers_only()
    form = OutlineForm()
    if form.validate_on_submit():
        done = run_write(form, lambda: writer.create(OUTLINE, current_user, form_data(form, OUTLINE_SCHEMA)))
        if done is not None:
            flash(_("已新建提纲，请添加章节。"), "success")
            return redirect(url_for(".outline", outline_id=done.id))
    return render_template("reports/workspace/outline_form.html", form=form, outline=None)


@bp.route("/outlines/<int:outline_id>/edit", methods=["GET", "POST"])
def edit_outline(outline_id: int):
    writers_only()
    found = get_or_abort(OUTLINE, outline_id)
    form = OutlineForm()
    if save_edit(OUTLINE, OUTLINE_SCHEMA, found, form) is not None:
        return redirect(url_for(".outline", outline_id=outline_id))
    return render_template("reports/workspace/outline_form.html", form=form, outline=found)


@bp.route("/outlines/<int:outline_id>/rows", methods=["POST"])
def add_row(outline_id: int):
    writers_only()
    get_or_abort(OUTLINE, outline_id)
    form = NewRowForm()
    if form.validate_on_submit():
        row = run_write(
            form,
            lambda: writer.add_child(
                OUTLINE_SECTION,
                current_user,
                outline_id,
                form.version.data,
                form_data(form, OUTLINE_SECTION_SCHEMA),
            ),
        )
        if row is not None:
            flash(_("已添加“%(code)s”。", code=row.code), "success")
            return redirect(url_for(".outline", outline_id=outline_id, _anchor=f"o-{row.code}"))
    return outline(outline_id, row_form=form)


@bp.route("/outline-sections/<int:row_id>")
def outline_section(row_id: int):
    row = get_or_abort(OUTLINE_SECTION, row_id)
    return redirect(url_for(".outline", outline_id=row.outline_id, _anchor=f"o-{row.code}"))


@bp.route("/outline-sections/<int:row_id>/edit", methods=["GET", "POST"])
def edit_outline_section(row_id: int):
    writers_only()
    row = get_or_abort(OUTLINE_SECTION, row_id)
    form = OutlineSectionForm()
    if not form.is_submitted():
        fill(form, OUTLINE_SECTION_SCHEMA, row)
    elif form.validate():
        data = form_data(form, OUTLINE_SECTION_SCHEMA) | {"code": row.code}
        done = run_write(
            form,
            lambda: writer.update(OUTLINE_SECTION, current_user, row_id, form.version.data, data),
            on_stale=lambda current: fill(form, OUTLINE_SECTION_SCHEMA, current),
        )
        if done is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".outline", outline_id=row.outline_id, _anchor=f"o-{row.code}"))
    return render_template("reports/workspace/outline_section_form.html", form=form, row=row)
