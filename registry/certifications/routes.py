"""Certification pages: the shared record pages plus status actions, the renewal list and kinds."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from ..domain import InputError
from ..domain.values import parse_query_date
from ..enums import CertificationStatus, Level
from ..web.forms import options
from ..web.outcomes import flash_outcome, get_for_update, run_write
from ..web.record_pages import Column, RecordPages
from . import services
from .filters import due_for_renewal
from .services import CERTIFICATION, CERTIFICATION_KIND, SCHEMA


def _prepare(form) -> None:
    form.kind.choices = options(SCHEMA["kind"].choices())


def _firm(c):
    return c.enterprise.name


PAGES = RecordPages(
    record_type=CERTIFICATION,
    columns=[
        Column(_l("企业"), _firm, link=True),
        Column(
            _l("资质类别"), lambda c: c.kind_ref.name + (f"（{c.product_name}）" if c.product_name else "")
        ),
        Column(_l("级别"), lambda c: Level.label_of(c.level)),
        Column(_l("状态"), lambda c: CertificationStatus.label_of(c.status)),
        Column(_l("年度/批次"), lambda c: f"{c.year or ''}{_(' 第%(n)d批', n=c.batch) if c.batch else ''}"),
        Column(_l("申报日期"), lambda c: c.applied_on, sort="applied_on"),
        Column(_l("认定日期"), lambda c: c.approved_on, sort="approved_on"),
        Column(_l("有效期至"), lambda c: c.valid_until, sort="valid_until"),
        Column(_l("证书编号"), lambda c: c.certificate_no),
    ],
    export_columns=[
        (_l("编号"), lambda c: c.id),
        (_l("企业"), _firm),
        (_l("统一社会信用代码"), lambda c: c.enterprise.uscc),
        (_l("资质类别"), lambda c: c.kind_ref.name),
        (_l("级别"), lambda c: Level.label_of(c.level)),
        (_l("状态"), lambda c: CertificationStatus.label_of(c.status)),
        (_l("年度"), lambda c: c.year),
        (_l("批次"), lambda c: c.batch),
        (_l("申报日期"), lambda c: c.applied_on),
        (_l("认定日期"), lambda c: c.approved_on),
        (_l("有效期至"), lambda c: c.valid_until),
        (_l("撤销日期"), lambda c: c.revoked_on),
        (_l("证书编号"), lambda c: c.certificate_no),
        (_l("重点支持"), lambda c: _("是") if c.key_support else ""),
        (_l("产品名称"), lambda c: c.product_name),
    ],
    prepare_form=_prepare,
    form_template="certifications/form.html",
    detail_template="certifications/detail.html",
    detail_context=lambda record: {"action_form": ActionForm(), "today": date.today()},
    list_actions=[(_l("到期复核提醒"), "certifications.renewals")],
    search_placeholder=_l("企业名称或统一社会信用代码"),
)
bp = PAGES.bp


class ActionForm(FlaskForm):
    version = HiddenField()
    on = StringField(render_kw={"type": "date"})
    certificate_no = StringField()


@bp.route("/<int:record_id>/<any(approve, reject, revoke):action>", methods=["POST"])
@login_required
def status_action(record_id: int, action: str):
    record = get_for_update(CERTIFICATION, record_id)
    form = ActionForm()
    if form.validate_on_submit():
        calls = {
            "approve": lambda: services.approve(
                current_user,
                record_id,
                form.version.data,
                form.on.data,
                form.certificate_no.data or record.certificate_no,
            ),
            "reject": lambda: services.reject(current_user, record_id, form.version.data),
            "revoke": lambda: services.revoke(current_user, record_id, form.version.data, form.on.data),
        }
        done = run_write(form, calls[action])
        flash_outcome(
            done,
            form,
            {"approve": _("已登记认定。"), "reject": _("已登记未通过。"), "revoke": _("已登记撤销。")}[
                action
            ],
        )
    return redirect(url_for(".detail", record_id=record_id))


@bp.route("/renewals")
@login_required
def renewals():
    """Due for renewal: approved certificates ending within 90 days, and this year's 科技型中小企业
    registrations that must be renewed for the next year."""
    try:
        on = parse_query_date(request.args["on"]) if request.args.get("on") else date.today()
    except InputError:  # a bad date in the URL falls back to today
        on = date.today()
    ending, renew = due_for_renewal(current_user, on)
    next_year = on.year + 1
    return render_template(
        "certifications/renewals.html",
        on=on,
        ending=ending,
        renew=renew,
        next_year=next_year,
        days=services.RENEWAL_DAYS,
    )


KIND_PAGES = RecordPages(
    record_type=CERTIFICATION_KIND,
    columns=[
        Column(_l("名称"), lambda k: k.name, link=True, sort="name"),
        Column(_l("代码"), lambda k: k.code, sort="code"),
        Column(_l("有效期"), lambda k: validity_label(k.validity)),
        Column(_l("证书编号格式"), lambda k: k.number_pattern),
    ],
    search_placeholder=_l("名称或代码"),
)
kinds_bp = KIND_PAGES.bp


def validity_label(validity: str) -> str:
    if validity == "calendar_year":
        return _("当年有效（至12月31日）")
    if validity == "none":
        return _("长期有效")
    return _("%(n)s年", n=validity.split(":")[1])
