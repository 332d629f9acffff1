"""Flask-WTF forms generated from a record schema.

The forms only carry the raw input and the CSRF token; the rules live in the schema and the record type's
service, so a form, the API and an import row are checked by the same code. Errors from the service are put
back on the form's fields (:func:`show_errors`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from ..records import fields as f
from ..records.errors import ValidationFailed
from ..records.fields.inputs import CheckboxesField, options, searchable

__all__ = ["CheckboxesField", "options", "searchable"]  # for the hand-written forms


# The hidden version's label, never shown: a field given one spares WTForms reading its own message catalogue
# from disk (once a request) to translate the default label it would make from the name.
VERSION_LABEL = "version"


def form_class(
    schema: f.Schema,
    name: str,
    *,
    exclude: tuple[str, ...] = (),
    versioned: bool = True,
    options: list[f.Field] = (),
    beside: tuple[str, ...] = (),
):
    """A FlaskForm class with one input per schema field (and a hidden ``version`` for edits).

    ``options`` are inputs of the write beside the schema (a dated field's ``effective_on``), placed after
    the last of the fields ``beside`` they belong to.
    """
    fields = [field for field in schema.fields if field.name not in exclude]
    attributes = {field.name: field.form_field() for field in [*fields, *options]}
    if versioned:
        attributes["version"] = HiddenField(VERSION_LABEL)
    order = [field.name for field in fields]
    if options:
        anchors = [order.index(n) for n in beside if n in order]
        at = max(anchors) + 1 if anchors else len(order)
        order[at:at] = [option.name for option in options]
    attributes["field_order"] = order
    return type(name, (FlaskForm,), attributes)


def form_data(form: FlaskForm, schema: f.Schema, options: list[f.Field] = ()) -> dict:
    """The raw values to hand to the service: every schema field the form has (and the write's options)."""
    return {field.name: form[field.name].data for field in [*schema.fields, *options] if field.name in form}


def show_errors(form: FlaskForm, error: ValidationFailed) -> None:
    """Put the service's messages beside their fields; others go to the form's general errors."""
    general = []
    for name, messages in error.errors.items():
        if name in form and name != "csrf_token":
            form[name].errors = list(form[name].errors or []) + list(messages)
        else:
            general.extend(messages)
    form.form_errors = list(form.form_errors) + general


def fill(form: FlaskForm, schema: f.Schema, record) -> None:
    """Load a record's values into a fresh (GET) form."""
    for field in schema.fields:
        if field.name in form:
            form[field.name].data = field.form_value(getattr(record, field.name))
    if "version" in form:
        form.version.data = str(record.version)


ARCHIVE_REASON_LABEL = _l("归档原因")


class ArchiveForm(FlaskForm):
    archived_reason = StringField(ARCHIVE_REASON_LABEL, render_kw={"maxlength": 200})
    version = HiddenField(VERSION_LABEL)


class VersionForm(FlaskForm):
    version = HiddenField(VERSION_LABEL)
