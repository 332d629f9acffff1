from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField

from ..enterprises.services import SCHEMA as ENTERPRISE_SCHEMA
from ..enums import ExitReason, FounderGroup, LegalForm
from ..web.forms import CheckboxesField, form_class, options, searchable
from .services import TENANCY_SCHEMA

TenancyForm = form_class(
    TENANCY_SCHEMA, "TenancyForm", exclude=("incubator_id", "enterprise_id", "left_on", "exit_reason")
)


class RegisterTenantForm(FlaskForm):
    """One form for the incubator manager: who (an existing firm or a new one) and the stay."""

    incubator_id = SelectField(
        TENANCY_SCHEMA["incubator_id"].label, choices=[], validate_choice=False, render_kw=searchable()
    )
    firm_mode = RadioField(
        _l("入孵企业"),
        choices=options([("existing", _l("已登记的企业")), ("new", _l("新企业或创业团队"))]),
        default="new",
        validate_choice=False,
    )
    firm = StringField(
        _l("已登记企业"),
        description=_l("输入统一社会信用代码或完整名称，可从提示中选择"),
        render_kw={"list": "firm-options", "data-lookup": "/enterprises/lookup", "autocomplete": "off"},
    )
    name = StringField(ENTERPRISE_SCHEMA["name"].label, render_kw={"maxlength": 200})
    uscc = StringField(ENTERPRISE_SCHEMA["uscc"].label, description=ENTERPRISE_SCHEMA["uscc"].help)
    legal_form = SelectField(
        ENTERPRISE_SCHEMA["legal_form"].label, choices=options(LegalForm.choices()), validate_choice=False
    )
    town_id = SelectField(
        ENTERPRISE_SCHEMA["town_id"].label, choices=[], validate_choice=False, render_kw=searchable()
    )
    founder_groups = CheckboxesField(
        ENTERPRISE_SCHEMA["founder_groups"].label,
        choices=options(FounderGroup.choices()),
        validate_choice=False,
    )
    moved_in_on = StringField(TENANCY_SCHEMA["moved_in_on"].label, render_kw={"type": "date"})
    free_space_until = StringField(
        TENANCY_SCHEMA["free_space_until"].label,
        description=TENANCY_SCHEMA["free_space_until"].help,
        render_kw={"type": "date"},
    )


class ExitForm(FlaskForm):
    left_on = StringField(TENANCY_SCHEMA["left_on"].label, render_kw={"type": "date"})
    exit_reason = SelectField(
        TENANCY_SCHEMA["exit_reason"].label,
        choices=options([("", "—"), *ExitReason.choices()]),
        validate_choice=False,
    )
    version = HiddenField()
