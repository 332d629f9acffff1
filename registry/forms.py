"""Flask-WTF forms generated from a record schema.

The forms only carry the raw input and the CSRF token; the rules live in the schema and the record kind's
service, so a form, the API and an import row are checked by the same code. Errors from the service are put
back on the form's fields (:func:`show_errors`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .records import fields as f
from .records.errors import ValidationFailed


def options(pairs) -> list[SelectChoice]:
    """Choices for select boxes and checkbox groups from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def searchable() -> dict:
    """Attributes that turn a long <select> into one people can type into (static/js/registry.js); without
    JavaScript it stays an ordinary select."""
    return {"data-searchable": "", "data-no-results": _l("没有匹配的选项"), "data-clear": _l("清除")}


def _wtf_field(field: f.Field):
    label = field.label
    description = field.help or ""
    if isinstance(field, f.Text) and field.multiline:
        return TextAreaField(
            label, description=description, render_kw={"rows": 3, "maxlength": field.max_length}
        )
    if isinstance(field, f.Text):
        return StringField(label, description=description, render_kw={"maxlength": field.max_length})
    if isinstance(field, f.Date):
        return StringField(label, description=description, render_kw={"type": "date"})
    if isinstance(field, (f.Integer, f.Money)):
        return StringField(label, description=description, render_kw={"inputmode": "decimal"})
    if isinstance(field, f.Boolean):
        return BooleanField(label, description=description)
    if isinstance(field, f.Choice):
        blank = [] if field.required else [("", "—")]
        return SelectField(
            label,
            description=description,
            choices=options(blank + field.enum.choices()),
            validate_choice=False,
        )
    if isinstance(field, f.ChoiceSet):
        return CheckboxesField(
            label, description=description, choices=options(field.enum.choices()), validate_choice=False
        )
    if isinstance(field, f.Reference) and field.key is not None:  # a firm: typed, with suggestions
        return StringField(
            label,
            description=description or _l("输入统一社会信用代码或完整名称，可从提示中选择"),
            render_kw={
                "list": f"{field.name}-options",
                "data-lookup": "/enterprises/lookup",
                "autocomplete": "off",
            },
        )
    if isinstance(field, f.ReferenceSet):
        return TextAreaField(
            label,
            description=description or _l("每行一个：统一社会信用代码或完整名称"),
            render_kw={"rows": 4},
        )
    if isinstance(field, f.CodeChoice):
        return SelectField(label, description=description, choices=[], validate_choice=False)
    if isinstance(field, f.TagSet):
        return CheckboxesField(label, description=description, choices=[], validate_choice=False)
    if isinstance(field, f.Reference):  # a town, park or incubator: a select people can type into
        return SelectField(
            label, description=description, choices=[], validate_choice=False, render_kw=searchable()
        )
    return StringField(label, description=description)


def form_class(schema: f.Schema, name: str, *, exclude: tuple[str, ...] = (), versioned: bool = True):
    """A FlaskForm class with one input per schema field (and a hidden ``version`` for edits)."""
    attributes = {field.name: _wtf_field(field) for field in schema.fields if field.name not in exclude}
    if versioned:
        attributes["version"] = HiddenField()
    attributes["field_order"] = [field.name for field in schema.fields if field.name not in exclude]
    return type(name, (FlaskForm,), attributes)


def form_data(form: FlaskForm, schema: f.Schema) -> dict:
    """The raw values to hand to the service: every schema field the form has."""
    return {field.name: form[field.name].data for field in schema.fields if field.name in form}


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
        if field.name not in form:
            continue
        value = getattr(record, field.name)
        if isinstance(field, f.TagSet):
            value = [str(tag.code) for tag in value]
        elif isinstance(field, f.Date):
            value = value.isoformat() if value else ""
        elif isinstance(field, f.Reference) and field.key is not None:
            value = field.key(value)
        elif isinstance(field, f.Reference):
            value = str(value) if value is not None else ""
        elif isinstance(field, f.ReferenceSet):
            value = "\n".join(field_key(field, v) for v in value)
        elif value is None:
            value = "" if not isinstance(field, f.ChoiceSet) else []
        form[field.name].data = value
    if "version" in form:
        form.version.data = str(record.version)


def field_key(field, value) -> str:
    return field.key(value) if getattr(field, "key", None) else str(value)


ARCHIVE_REASON_LABEL = _l("归档原因")


class ArchiveForm(FlaskForm):
    archived_reason = StringField(ARCHIVE_REASON_LABEL, render_kw={"maxlength": 200})
    version = HiddenField()


class VersionForm(FlaskForm):
    version = HiddenField()
