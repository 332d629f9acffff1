"""WTForms pieces the fields' form inputs are made of (and the hand-written forms use too)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


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
