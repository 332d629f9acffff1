"""Shared HTML pages for a record type: list (search, filters, facets, sort, paging, export), detail with
history, new / edit forms, archive and restore. A record type fills the slots; nothing else is written twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import list_engine
from ..audit.display import history
from ..exports import csv_response, xlsx_response
from ..records import dated, writer
from ..records.record_type import RecordType
from .forms import ArchiveForm, VersionForm, fill, form_class, form_data
from .list_view import default_facet_label, facet_boxes, table_rows
from .outcomes import flash_outcome, get_for_update, get_or_abort, run_write


@dataclass
class Column:
    """A list column: its header, how to show a row's value, and the sort key it offers (if any)."""

    label: str
    value: Callable[[object], object]
    sort: str | None = None
    link: bool = False  # the column links to the record's page
    numeric: bool = False
    badges: Callable[[object], list[tuple[str, str]]] | None = None  # (text, CSS class) after the value


@dataclass
class RecordPages:
    record_type: RecordType
    columns: list[Column]
    # Read from the record type unless given: its list definition, its code name (the blueprint's name and
    # URL prefix), the list's heading and counting word.
    spec: list_engine.ListSpec | None = None
    name: str = ""
    title: str = ""
    unit: str = ""
    export_columns: list[tuple[str, Callable]] = field(default_factory=list)
    prepare_form: Callable | None = None  # fills database choices of a form
    exclude: tuple[str, ...] = ()
    wide: tuple[str, ...] = ("notes",)
    summary: Callable | None = None  # (filtered query) → list of (label, value) shown above the list
    detail_template: str = "records/detail.html"
    detail_context: Callable | None = None  # record → extra template variables (may give the history)
    # Loader options of the detail page's record: what its template reads, loaded with it.
    detail_options: tuple = ()
    list_actions: list[tuple[str, str]] = field(default_factory=list)  # (label, endpoint) beside "new"
    form_template: str = "records/form.html"
    list_template: str = "records/list.html"
    search_placeholder: str = ""
    create_label: str = ""  # the "new" button, e.g. 登记企业
    empty_text: str = ""  # shown when no row matches
    facet_label: Callable | None = None  # (facet, value, label) → shown text of a facet entry
    prepare_rows: Callable | None = None  # list page's rows → None; one query for the whole page
    # The loader options of the list page's rows, when the page shows less than the export (the list's own
    # ``eager``); ``prepare_rows`` may load the rest.
    list_eager: tuple | None = None
    show_fields: bool = True  # the detail page lists the schema fields (records/detail.html)
    archived_message: str = ""
    # Errors of the write path the user may overrule by ticking a box (e.g. a possible duplicate): the
    # write is retried with ``confirmed=True`` and the form shows ``error.matches``.
    confirmable: tuple[type[Exception], ...] = ()
    # Where the pages live: an existing blueprint (with the record type's other routes) under a path, the
    # endpoint names and the name of the record id in URLs. Defaults: a blueprint of its own.
    blueprint: Blueprint | None = None
    path: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)
    id_arg: str = "record_id"

    def __post_init__(self) -> None:
        self.spec = self.spec or self.record_type.list_spec()
        self.name = self.name or self.record_type.plural
        self.title = self.title or self.record_type.list_title or self.record_type.title
        self.unit = self.unit or self.record_type.unit
        # A dated field's inputs (effective_on, correct_history) sit beside the dated fields.
        self.options = dated.options(self.record_type)
        declared = dated.declaration(self.record_type)
        self.form = form_class(
            self.record_type.schema,
            f"{self.record_type.name.title()}Form",
            exclude=self.exclude,
            options=self.options,
            beside=tuple(f.name for f in declared.fields) if declared else (),
        )
        if self.blueprint is None:
            self.bp = Blueprint(self.name, __name__, url_prefix=f"/{self.name.replace('_', '-')}")
        else:
            self.bp = self.blueprint
        one = f"{self.path}/<int:{self.id_arg}>"
        rules = [
            ("index", f"{self.path}/", self.index, ["GET"]),
            ("export", f"{self.path}/export.<any(csv, xlsx):fmt>", self.export, ["GET"]),
            ("create", f"{self.path}/new", self.create, ["GET", "POST"]),
            ("detail", one, self._by_id(self.detail), ["GET"]),
            ("edit", f"{one}/edit", self._by_id(self.edit), ["GET", "POST"]),
            ("archive", f"{one}/archive", self._by_id(self.archive), ["POST"]),
            ("restore", f"{one}/restore", self._by_id(self.restore), ["POST"]),
        ]
        for action, rule, view, methods in rules:
            self.bp.add_url_rule(rule, self.endpoint(action), login_required(view), methods=methods)

    def _by_id(self, view: Callable) -> Callable:
        def by_id(**kwargs):
            return view(kwargs[self.id_arg])

        by_id.__name__ = view.__name__
        return by_id

    def endpoint(self, action: str) -> str:
        """The endpoint name (within the blueprint) of one of the pages."""
        return self.endpoints.get(action, action)

    def url(self, action: str, record_id: int | None = None, **values) -> str:
        if record_id is not None:
            values[self.id_arg] = record_id
        return url_for(f"{self.bp.name}.{self.endpoint(action)}", **values)

    # ---- list -----------------------------------------------------------------------------------
    def index(self):
        args = list_engine.parse_args(self.spec, request.args)
        page = list_engine.run(self.spec, current_user, args, eager=self.list_eager)
        summary = self.summary(list_engine.filtered(self.spec, current_user, args)) if self.summary else []
        if self.prepare_rows:
            self.prepare_rows(page.items)
        # A record's page is the list's address and its id (the rules above), built once for the page.
        records = self.url("index")
        return render_template(
            self.list_template,
            pages=self,
            page=page,
            spec=self.spec,
            summary=summary,
            rows=table_rows(self.columns, page.items, lambda record_id: f"{records}{record_id}"),
            facet_boxes=facet_boxes(page, self.facet_label or default_facet_label),
            can_create=self.record_type.allowed(current_user, "create"),
        )

    def export(self, fmt: str):
        args = list_engine.parse_args(self.spec, request.args)
        if fmt != "csv":  # a CSV streams as it is written; a workbook is written whole first
            from ..jobs.exports import export_as_job

            job_page = export_as_job(self, args, request.args)
            if job_page is not None:
                return job_page
        rows = list_engine.all_rows(self.spec, current_user, args)
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

    def _write(self, form, write: Callable, **kwargs):
        """Run a form's write; a confirmable error becomes the list of matches the form shows."""
        if not self.confirmable:
            return run_write(form, lambda: write({}), **kwargs), []
        confirmed = {"confirmed": request.form.get("confirm_duplicate") == "1"}
        try:
            return run_write(form, lambda: write(confirmed), passthrough=self.confirmable, **kwargs), []
        except self.confirmable as error:
            return None, error.matches

    def create(self):
        if not self.record_type.allowed(current_user, "create"):
            abort(403)
        form = self._form()
        if dated.CORRECT_HISTORY in form:  # a new record has no history to correct
            del form[dated.CORRECT_HISTORY]
            form.field_order = [name for name in form.field_order if name != dated.CORRECT_HISTORY]
        matches = []
        if not form.is_submitted():
            for key, value in request.args.items():  # e.g. ?enterprise_id=5 from a firm's page
                if key in form and key in self.record_type.schema.by_name:
                    form[key].data = value
        elif form.validate():
            record, matches = self._write(
                form,
                lambda extra: writer.create(
                    self.record_type,
                    current_user,
                    form_data(form, self.record_type.schema, self.options),
                    **extra,
                ),
            )
            if record is not None:
                flash(_("已保存：%(label)s。", label=self.record_type.label(record)), "success")
                return redirect(self.url("detail", record.id))
        return render_template(self.form_template, pages=self, form=form, record=None, duplicates=matches)

    def edit(self, record_id: int):
        record = get_for_update(self.record_type, record_id)
        form = self._form()
        matches = []
        if not form.is_submitted():
            self._fill(form, record)
        elif form.validate():
            saved, matches = self._write(
                form,
                lambda extra: writer.update(
                    self.record_type,
                    current_user,
                    record_id,
                    form.version.data,
                    form_data(form, self.record_type.schema, self.options),
                    partial=True,
                    **extra,
                ),
                on_stale=lambda current: self._fill(form, current),
            )
            if saved is not None:
                flash(_("已保存。"), "success")
                return redirect(self.url("detail", record_id))
        return render_template(self.form_template, pages=self, form=form, record=record, duplicates=matches)

    def _fill(self, form, record) -> None:
        """An edit form with the record's values; a change of a dated field takes effect today unless the
        user says otherwise."""
        fill(form, self.record_type.schema, record)
        if dated.EFFECTIVE_ON in form:
            form[dated.EFFECTIVE_ON].data = date.today().isoformat()
        if dated.CORRECT_HISTORY in form:
            form[dated.CORRECT_HISTORY].data = False

    # ---- detail ---------------------------------------------------------------------------------
    def fields_of(self, record) -> list[tuple[str, str]]:
        """(label, shown value) for every schema field of the record."""
        rows = []
        for fld in self.record_type.schema.fields:
            if fld.name in self.exclude:
                continue
            shown = fld.show(getattr(record, fld.name))
            rows.append((fld.label, shown))
        return rows

    def detail(self, record_id: int):
        record = get_or_abort(self.record_type, record_id, self.detail_options)
        context = {
            "pages": self,
            "record": record,
            "can_edit": self.record_type.allowed(current_user, "update", record),
            "can_archive": self.record_type.allowed(current_user, "archive", record),
            "archive_form": ArchiveForm(),
            "restore_form": VersionForm(),
        }
        extra = self.detail_context(record) if self.detail_context else {}
        if "history" not in extra:
            context["history"] = history(object_type=self.record_type.name, object_id=record.id)
        if self.show_fields:
            context["fields"] = self.fields_of(record)
        if "dated_rows" not in extra:
            context["dated_rows"] = dated.history_rows(self.record_type, record)
        return render_template(self.detail_template, **(context | extra))

    def archive(self, record_id: int):
        form = ArchiveForm()
        if form.validate_on_submit():
            done = run_write(
                form,
                lambda: writer.archive(
                    self.record_type, current_user, record_id, form.version.data, form.archived_reason.data
                ),
            )
            flash_outcome(done, form, self.archived_message or _("已归档。"))
        return redirect(self.url("detail", record_id))

    def restore(self, record_id: int):
        form = VersionForm()
        if form.validate_on_submit():
            done = run_write(
                form, lambda: writer.restore(self.record_type, current_user, record_id, form.version.data)
            )
            flash_outcome(done, form, _("已恢复。"))
        return redirect(self.url("detail", record_id))
