"""Outreach and pledge-loan record types."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..enterprises.services import enterprise_field, name_lookup
from ..enums import IpType, LoanStatus, OutreachForm, Role
from ..extensions import db
from ..models import Enterprise, Outreach, PledgeLoan, Town
from ..records.catalog import register
from ..records.errors import ValidationFailed
from ..records.fields import Choice, Date, Integer, Money, Reference, Schema, Text
from ..records.record_type import FirmRecordType

OUTREACH_SCHEMA = Schema(
    [
        Date("held_on", _l("日期"), required=True),
        enterprise_field(required=False, label=_l("走访企业")),
        Reference(
            "town_id",
            _l("宣传镇街"),
            model=Town,
            help=_l("企业和镇街二选一"),
            lookup=lambda text: name_lookup(Town, text),
        ),
        Choice("form", _l("形式"), required=True, enum=OutreachForm),
        Integer("attendees", _l("参加人数"), maximum=100000),
        Text("staff", _l("工作人员"), max_length=200),
        Text("notes", _l("备注"), max_length=2000, multiline=True),
    ]
)

LOAN_SCHEMA = Schema(
    [
        enterprise_field(),
        Text("lender", _l("贷款银行"), required=True, max_length=100),
        Text("guarantor", _l("担保机构"), max_length=100),
        Choice("ip_type", _l("质押物类型"), required=True, enum=IpType),
        Text("ip_numbers", _l("专利/商标/著作权号"), max_length=500),
        Text("registration_no", _l("质押登记号"), max_length=50),
        Date("registered_on", _l("登记日期"), required=True),
        Money("amount_wan", _l("贷款金额(万元)"), required=True, positive=True),
        Integer("term_months", _l("期限(月)"), minimum=1, maximum=600),
        Choice("status", _l("状态"), required=True, enum=LoanStatus),
    ]
)


class OutreachType(FirmRecordType):
    name = "outreach"
    menu, list_endpoint = ("finance", 10), "outreach.index"
    order = 50
    title, log_title, unit = _l("质押融资宣传走访"), _l("宣传走访"), _l("次")
    list_title = _l("知识产权质押融资宣传走访")
    counted = True
    endpoint = "outreach.detail"
    collection, api_title = "outreach", "宣传走访"
    plural, import_sheet = "outreach", _l("宣传走访")
    import_example: ClassVar[dict] = {
        "held_on": "2021-04-20",
        "enterprise_id": "91211122DM0000001L",
        "form": "走访",
        "attendees": "3",
    }
    model = Outreach
    schema = OUTREACH_SCHEMA
    write_roles = frozenset({Role.FINANCE_OFFICER})

    def list_spec(self):
        from .filters import OUTREACH_SPEC

        return OUTREACH_SPEC

    def drill_options(self) -> tuple:
        return (joinedload(Outreach.enterprise), joinedload(Outreach.town))

    def drill_label(self, record) -> str:
        return f"{record.held_on} {OutreachForm.label_of(record.form)} · {record.target}"

    def drill_line(self, record) -> str:
        return f"{record.held_on} {OutreachForm.label_of(record.form)}"

    def label(self, record) -> str:
        target = (
            db.session.get(Enterprise, record.enterprise_id)
            if record.enterprise_id
            else db.session.get(Town, record.town_id)
        )
        return f"{record.held_on} {OutreachForm.label_of(record.form)} · {target}"

    def check(self, values, record=None, *, confirmed=False) -> None:
        firm, town = values.get("enterprise_id"), values.get("town_id")
        if bool(firm) == bool(town):
            raise ValidationFailed.one("enterprise_id", _("走访企业：企业和镇街必须填写且只能填写一个"))
        if values.get("held_on") and values["held_on"] > date.today():
            raise ValidationFailed.one("held_on", _("日期：不能晚于今天"))


class PledgeLoanType(FirmRecordType):
    name = "pledge_loan"
    menu, list_endpoint = ("finance", 20), "pledge_loans.index"
    order = 60
    title, log_title, unit = _l("知识产权质押贷款"), _l("质押贷款"), _l("笔")
    counted = True
    endpoint = "pledge_loans.detail"
    collection, api_title = "pledge-loans", "质押贷款"
    plural, import_sheet = "pledge_loans", _l("质押贷款")
    import_example: ClassVar[dict] = {
        "enterprise_id": "91211122DM0000001L",
        "lender": "盘锦银行",
        "ip_type": "专利",
        "registered_on": "2021-03-25",
        "amount_wan": "800",
        "status": "在贷",
    }

    def list_spec(self):
        from .filters import LOAN_SPEC

        return LOAN_SPEC

    def drill_label(self, record) -> str:
        return f"{record.enterprise.name} · {record.lender} · {record.amount_wan}万元"

    def drill_line(self, record) -> str:
        return f"{record.registered_on} · {record.lender} · {record.amount_wan}万元"

    model = PledgeLoan
    schema = LOAN_SCHEMA
    write_roles = frozenset({Role.FINANCE_OFFICER})

    def label(self, record) -> str:
        firm = db.session.get(Enterprise, record.enterprise_id)
        return f"{firm.name} · {record.lender} · {record.amount_wan}万元"

    def check(self, values, record=None, *, confirmed=False) -> None:
        if values.get("registered_on") and values["registered_on"] > date.today():
            raise ValidationFailed.one("registered_on", _("登记日期：不能晚于今天"))


OUTREACH = register(OutreachType())
LOAN = register(PledgeLoanType())
