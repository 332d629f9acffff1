"""Outreach and pledge-loan pages: shared record pages with totals above each list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from ..enums import IpType, LoanStatus, OutreachForm
from ..extensions import db
from ..models import Outreach, PledgeLoan
from ..reference.filters import town_choices
from ..web.forms import options
from ..web.record_pages import Column, RecordPages
from .services import LOAN, OUTREACH


def _towns(form) -> None:
    form.town_id.choices = options(town_choices(blank=True))


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


OUTREACH_PAGES = RecordPages(
    record_type=OUTREACH,
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


LOAN_PAGES = RecordPages(
    record_type=LOAN,
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
