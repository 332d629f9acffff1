"""The outreach and pledge-loan lists (one definition for the pages, their exports and the API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..enterprises.filters import firm_owned_spec
from ..enums import IpType, LoanStatus, OutreachForm
from ..extensions import db
from ..list_engine import Facet, Filter, Sort, count_facet, date_range, enum_filter
from ..models import Outreach, PledgeLoan
from ..reference.filters import town_choices
from .services import LOAN, OUTREACH

OUTREACH_SPEC = firm_owned_spec(
    Outreach,
    OUTREACH,
    firm_optional=True,  # an event may reach a town instead of a firm
    filters=[
        *date_range(Outreach.held_on),
        enum_filter("form", _l("形式"), Outreach.form, OutreachForm),
        Filter(
            "town",
            _l("宣传镇街"),
            lambda q, v: q.where(Outreach.town_id == v),
            int,
            lambda: town_choices(archived=True),
        ),
    ],
    facets=[Facet("form", _l("形式"), count_facet(Outreach, Outreach.form), enum=OutreachForm)],
    sorts=[Sort("held_on", _l("日期"), Outreach.held_on, value_type="date")],
    default_sort="-held_on",
    eager=(joinedload(Outreach.town),),
)


def _lenders():
    return [
        (name, name)
        for name in db.session.scalars(select(PledgeLoan.lender).distinct().order_by(PledgeLoan.lender))
    ]


LOAN_SPEC = firm_owned_spec(
    PledgeLoan,
    LOAN,
    filters=[
        *date_range(PledgeLoan.registered_on),
        Filter("lender", _l("贷款银行"), lambda q, v: q.where(PledgeLoan.lender == v), str, _lenders),
        enum_filter("status", _l("状态"), PledgeLoan.status, LoanStatus),
        enum_filter("ip_type", _l("质押物类型"), PledgeLoan.ip_type, IpType),
    ],
    facets=[
        Facet("status", _l("状态"), count_facet(PledgeLoan, PledgeLoan.status), enum=LoanStatus),
        Facet("ip_type", _l("质押物类型"), count_facet(PledgeLoan, PledgeLoan.ip_type), enum=IpType),
    ],
    sorts=[
        Sort("registered_on", _l("登记日期"), PledgeLoan.registered_on, value_type="date"),
        Sort("amount_wan", _l("金额"), PledgeLoan.amount_wan, value_type="decimal"),
    ],
    default_sort="-registered_on",
)
