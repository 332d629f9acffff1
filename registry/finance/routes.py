"""Outreach and pledge-loan pages: shared record pages with totals above each list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

from ..enterprises.listing import search as search_firms
from ..enums import IpType, LoanStatus, OutreachForm
from ..extensions import db
from ..forms import options
from ..lists import Facet, Filter, ListSpec, Sort, archived_filter, count_facet, date_filter, enum_filter
from ..models import Enterprise, Outreach, PledgeLoan, Town
from ..pages import Column, RecordPages
from .services import LOAN, OUTREACH


def _towns(form) -> None:
    form.town_id.choices = options(
        [("", "—")]
        + [
            (t.id, t.name)
            for t in db.session.scalars(select(Town).where(Town.archived_at.is_(None)).order_by(Town.code))
        ]
    )


def _town_choices():
    return [(str(t.id), t.name) for t in db.session.scalars(select(Town).order_by(Town.code))]


def outreach_summary(query):
    """Events, distinct firms and distinct towns reached, over the filtered list (one statement)."""
    ids = query.with_only_columns(Outreach.id).order_by(None).subquery()
    row = db.session.execute(
        select(
            func.count(), func.count(distinct(Outreach.enterprise_id)), func.count(distinct(Outreach.town_id))
        ).where(Outreach.id.in_(select(ids.c.id)))
    ).one()
    return [
        (_l("宣传走访"), row[0], _l("次")),
        (_l("覆盖企业"), row[1], _l("家")),
        (_l("覆盖镇街"), row[2], _l("个")),
    ]


OUTREACH_SPEC = ListSpec(
    model=Outreach,
    base=lambda user: OUTREACH.visible(
        user, select(Outreach).outerjoin(Enterprise, Enterprise.id == Outreach.enterprise_id)
    ),
    search=search_firms,
    filters=[
        date_filter("from", _l("起始日期"), lambda q, v: q.where(Outreach.held_on >= v)),
        date_filter("to", _l("截止日期"), lambda q, v: q.where(Outreach.held_on <= v)),
        enum_filter("form", _l("形式"), Outreach.form, OutreachForm),
        Filter("town", _l("宣传镇街"), lambda q, v: q.where(Outreach.town_id == v), int, _town_choices),
        archived_filter(Outreach),
    ],
    facets=[Facet("form", _l("形式"), count_facet(Outreach, Outreach.form), enum=OutreachForm)],
    sorts=[Sort("held_on", _l("日期"), Outreach.held_on, kind="date")],
    default_sort="-held_on",
    eager=(joinedload(Outreach.enterprise), joinedload(Outreach.town)),
)

OUTREACH_PAGES = RecordPages(
    kind=OUTREACH,
    spec=OUTREACH_SPEC,
    name="outreach",
    title=_l("知识产权质押融资宣传走访"),
    unit=_l("次"),
    columns=[
        Column(_l("日期"), lambda o: o.held_on, sort="held_on", link=True),
        Column(_l("对象"), lambda o: o.enterprise.name if o.enterprise else o.town.name),
        Column(_l("形式"), lambda o: OutreachForm.label_of(o.form)),
        Column(_l("参加人数"), lambda o: o.attendees, numeric=True),
        Column(_l("工作人员"), lambda o: o.staff),
    ],
    export_columns=[
        (_l("编号"), lambda o: o.id),
        (_l("日期"), lambda o: o.held_on),
        (_l("走访企业"), lambda o: o.enterprise.name if o.enterprise else None),
        (_l("统一社会信用代码"), lambda o: o.enterprise.uscc if o.enterprise else None),
        (_l("宣传镇街"), lambda o: o.town.name if o.town else None),
        (_l("形式"), lambda o: OutreachForm.label_of(o.form)),
        (_l("参加人数"), lambda o: o.attendees),
        (_l("工作人员"), lambda o: o.staff),
        (_l("备注"), lambda o: o.notes),
    ],
    prepare_form=_towns,
    summary=outreach_summary,
    search_placeholder=_l("企业名称或统一社会信用代码"),
)
outreach_bp = OUTREACH_PAGES.bp


def loan_summary(query):
    """Number of loans, their total (万元) and distinct firms, over the filtered list (one statement)."""
    ids = query.with_only_columns(PledgeLoan.id).order_by(None).subquery()
    count, total, firms = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(PledgeLoan.amount_wan), 0),
            func.count(distinct(PledgeLoan.enterprise_id)),
        ).where(PledgeLoan.id.in_(select(ids.c.id)))
    ).one()
    return [
        (_l("贷款笔数"), count, _l("笔")),
        (_l("贷款金额"), f"{total:,.2f}", _l("万元")),
        (_l("贷款企业"), firms, _l("家")),
    ]


def _lenders():
    return [
        (name, name)
        for name in db.session.scalars(select(PledgeLoan.lender).distinct().order_by(PledgeLoan.lender))
    ]


LOAN_SPEC = ListSpec(
    model=PledgeLoan,
    base=lambda user: LOAN.visible(
        user, select(PledgeLoan).join(Enterprise, Enterprise.id == PledgeLoan.enterprise_id)
    ),
    search=search_firms,
    filters=[
        date_filter("from", _l("起始日期"), lambda q, v: q.where(PledgeLoan.registered_on >= v)),
        date_filter("to", _l("截止日期"), lambda q, v: q.where(PledgeLoan.registered_on <= v)),
        Filter("lender", _l("贷款银行"), lambda q, v: q.where(PledgeLoan.lender == v), str, _lenders),
        enum_filter("status", _l("状态"), PledgeLoan.status, LoanStatus),
        enum_filter("ip_type", _l("质押物类型"), PledgeLoan.ip_type, IpType),
        archived_filter(PledgeLoan),
    ],
    facets=[
        Facet("status", _l("状态"), count_facet(PledgeLoan, PledgeLoan.status), enum=LoanStatus),
        Facet("ip_type", _l("质押物类型"), count_facet(PledgeLoan, PledgeLoan.ip_type), enum=IpType),
    ],
    sorts=[
        Sort("registered_on", _l("登记日期"), PledgeLoan.registered_on, kind="date"),
        Sort("amount_wan", _l("金额"), PledgeLoan.amount_wan, kind="decimal"),
    ],
    default_sort="-registered_on",
    eager=(joinedload(PledgeLoan.enterprise),),
)

LOAN_PAGES = RecordPages(
    kind=LOAN,
    spec=LOAN_SPEC,
    name="pledge_loans",
    title=_l("知识产权质押贷款"),
    unit=_l("笔"),
    columns=[
        Column(_l("企业"), lambda loan: loan.enterprise.name, link=True),
        Column(_l("贷款银行"), lambda loan: loan.lender),
        Column(_l("质押物"), lambda loan: IpType.label_of(loan.ip_type)),
        Column(_l("登记日期"), lambda loan: loan.registered_on, sort="registered_on"),
        Column(_l("金额(万元)"), lambda loan: f"{loan.amount_wan:,.2f}", sort="amount_wan", numeric=True),
        Column(_l("期限(月)"), lambda loan: loan.term_months, numeric=True),
        Column(_l("状态"), lambda loan: LoanStatus.label_of(loan.status)),
    ],
    export_columns=[
        (_l("编号"), lambda loan: loan.id),
        (_l("企业"), lambda loan: loan.enterprise.name),
        (_l("统一社会信用代码"), lambda loan: loan.enterprise.uscc),
        (_l("贷款银行"), lambda loan: loan.lender),
        (_l("担保机构"), lambda loan: loan.guarantor),
        (_l("质押物类型"), lambda loan: IpType.label_of(loan.ip_type)),
        (_l("专利/商标/著作权号"), lambda loan: loan.ip_numbers),
        (_l("质押登记号"), lambda loan: loan.registration_no),
        (_l("登记日期"), lambda loan: loan.registered_on),
        (_l("贷款金额(万元)"), lambda loan: loan.amount_wan),
        (_l("期限(月)"), lambda loan: loan.term_months),
        (_l("状态"), lambda loan: LoanStatus.label_of(loan.status)),
    ],
    summary=loan_summary,
    search_placeholder=_l("企业名称或统一社会信用代码"),
)
loans_bp = LOAN_PAGES.bp
