"""Shared HTML pages for a record kind: list (search, filters, facets, sort, paging, export), detail with
history, new / edit forms, archive and restore. A kind fills the slots; nothing else is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import lists
from .audit.display import history
from .exports import csv_response, xlsx_response
from .forms import ArchiveForm, VersionForm, fill, form_class, form_data
from .records import writer
from .records.kind import RecordKind
from .views import flash_outcome, get_or_abort, run_write


@dataclass
class Column:
    """A list column: its header, how to show a row's value, and the sort key it offers (if any)."""

    label: str
    value: Callable[[object], object]
    sort: str | None = None
    link: bool = False  # the column links to the record's page
    numeric: bool = False


@dataclass
class RecordPages:
    kind: RecordKind
    spec: lists.ListSpec
    name: str  # blueprint name and URL prefix
    title: str  # e.g. 资质认定
    unit: str  # e.g. 条
    columns: list[Column]
    export_columns: list[tuple[str, Callable]] = field(default_factory=list)
    prepare_form: Callable | None = None  # fills database choices of a form
    exclude: tuple[str, ...] = ()
    wide: tuple[str, ...] = ("notes",)
    summary: Callable | None = None  # (filtered query) → list of (label, value) shown above the list
    detail_template: str = "records/detail.html"
    detail_context: Callable | None = None  # record → extra template variables
    list_actions: list[tuple[str, str]] = field(default_factory=list)  # (label, endpoint) beside "new"
    form_template: str = "records/form.html"
    search_placeholder: str = ""

    def __post_init__(self) -> None:
        self.form = form_class(self.kind.schema, f"{self.kind.name.title()}Form", exclude=self.exclude)
        self.bp = Blueprint(self.name, __name__, url_prefix=f"/{self.name.replace('_', '-')}")
        self.bp.add_url_rule("/", "index", login_required(self.index))
        self.bp.add_url_rule("/export.<any(csv, xlsx):fmt>", "export", login_required(self.export))
        self.bp.add_url_rule("/new", "create", login_required(self.create), methods=["GET", "POST"])
        self.bp.add_url_rule("/<int:record_id>", "detail", login_required(self.detail))
        self.bp.add_url_rule(
            "/<int:record_id>/edit", "edit", login_required(self.edit), methods=["GET", "POST"]
        )
        self.bp.add_url_rule(
            "/<int:record_id>/archive", "archive", login_required(self.archive), methods=["POST"]
        )
        self.bp.add_url_rule(
            "/<int:record_id>/restore", "restore", login_required(self.restore), methods=["POST"]
        )

    # ---- list -----------------------------------------------------------------------------------
    def index(self):
        args = lists.parse_args(self.spec, request.args)
        page = lists.run(self.spec, current_user, args)
        summary = self.summary(lists.filtered(self.spec, current_user, args)) if self.summary else []
        return render_template(
            "records/list.html",
            pages=self,
            page=page,
            spec=self.spec,
            summary=summary,
            can_create=self.kind.allowed(current_user, "create"),
        )

    def export(self, fmt: str):
        args = lists.parse_args(self.spec, request.args)
        rows = lists.all_rows(self.spec, current_user, args)
        columns = self.export_columns or [(c.label, c.value) for c in self.columns]
        if fmt == "csv":
            return csv_response(f"{self.title}.csv", columns, rows)
        return xlsx_response(f"{self.title}.xlsx", columns, rows, sheet=str(self.title))

    # ---- forms ----------------------------------------------------------------------------------
    def _form(self):
        form = self.form()
        if self.prepare_form:
            self.prepare_form(form)
        return form

    def create(self):
        if not self.kind.allowed(current_user, "create"):
            abort(403)
        form = self._form()
        if not form.is_submitted():
            for key, value in request.args.items():  # e.g. ?enterprise_id=5 from a firm's page
                if key in form and key in self.kind.schema.by_name:
                    form[key].data = value
        elif form.validate():
            record = run_write(
                form, lambda: writer.create(self.kind, current_user, form_data(form, self.kind.schema))
            )
            if record is not None:
                flash(_("已保存：%(label)s。", label=self.kind.label(record)), "success")
                return redirect(url_for(".detail", record_id=record.id))
        return render_template(self.form_template, pages=self, form=form, record=None)

    def edit(self, record_id: int):
        record = get_or_abort(self.kind, record_id)
        if not self.kind.allowed(current_user, "update", record):
            abort(403)
        form = self._form()
        if not form.is_submitted():
            fill(form, self.kind.schema, record)
        elif form.validate():
            saved = run_write(
                form,
                lambda: writer.update(
                    self.kind,
                    current_user,
                    record_id,
                    form.version.data,
                    form_data(form, self.kind.schema),
                    partial=True,
                ),
                on_stale=lambda current: fill(form, self.kind.schema, current),
            )
            if saved is not None:
                flash(_("已保存。"), "success")
                return redirect(url_for(".detail", record_id=record_id))
        return render_template(self.form_template, pages=self, form=form, record=record)

    # ---- detail ---------------------------------------------------------------------------------
    def fields_of(self, record) -> list[tuple[str, str]]:
        """(label, shown value) for every schema field of the record."""
        rows = []
        for fld in self.kind.schema.fields:
            if fld.name in self.exclude:
                continue
            shown = fld.show(getattr(record, fld.name))
            rows.append((fld.label, shown))
        return rows

    def detail(self, record_id: int):
        record = get_or_abort(self.kind, record_id)
        extra = self.detail_context(record) if self.detail_context else {}
        return render_template(
            self.detail_template,
            pages=self,
            record=record,
            fields=self.fields_of(record),
            history=history(object_type=self.kind.name, object_id=record.id),
            can_edit=self.kind.allowed(current_user, "update", record),
            can_archive=self.kind.allowed(current_user, "archive", record),
            archive_form=ArchiveForm(),
            restore_form=VersionForm(),
            **extra,
        )

    def archive(self, record_id: int):
        form = ArchiveForm()
        if form.validate_on_submit():
            done = run_write(
                form,
                lambda: writer.archive(
                    self.kind, current_user, record_id, form.version.data, form.archived_reason.data
                ),
            )
            flash_outcome(done, form, _("已归档。"))
        return redirect(url_for(".detail", record_id=record_id))

    def restore(self, record_id: int):
        form = VersionForm()
        if form.validate_on_submit():
            done = run_write(
                form, lambda: writer.restore(self.kind, current_user, record_id, form.version.data)
            )
            flash_outcome(done, form, _("已恢复。"))
        return redirect(url_for(".detail", record_id=record_id))
