"""The workspace's forms: generated from the record types' schemas (the rules live there), plus the small
forms behind buttons (a section's state, finalising)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

from ...web.forms import form_class
from .services import FIGURE_SCHEMA, OUTLINE_SCHEMA, OUTLINE_SECTION_SCHEMA, REPORT_SCHEMA, SECTION_SCHEMA

ReportForm = form_class(REPORT_SCHEMA, "ReportForm")
SectionTextForm = form_class(SECTION_SCHEMA, "SectionTextForm", exclude=("state", "department"))
AssignForm = form_class(SECTION_SCHEMA, "AssignForm", exclude=("text", "state"))
FigureForm = form_class(FIGURE_SCHEMA, "FigureForm")
OutlineForm = form_class(OUTLINE_SCHEMA, "OutlineForm")
OutlineSectionForm = form_class(OUTLINE_SECTION_SCHEMA, "OutlineSectionForm", exclude=("code",))
NewRowForm = form_class(OUTLINE_SECTION_SCHEMA, "NewRowForm")  # its version is the outline's


class StateForm(FlaskForm):
    """A button that moves a section to ``state`` (submit, review, send back)."""

    state = HiddenField()
    version = HiddenField()


class VersionOnlyForm(FlaskForm):
    version = HiddenField()
