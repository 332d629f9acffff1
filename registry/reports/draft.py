"""The drafted implementation report (DOCX): the seed report's structure with the registry's numbers."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..enums import FounderGroup
from . import indicators as ind
from . import service
from .document import OfficialDocument, chinese_date, number
from .periods import Period
from .sections import SECTIONS

NAMES_UP_TO = 8  # name the firms behind a number when there are this few


def _names(code: str, period: Period) -> str:
    indicator = ind.get(code)
    records = list(service.all_records(indicator, period))
    if not records or len(records) > NAMES_UP_TO:
        return ""
    firms = []
    for record in records:  # a 家 indicator's records are the firms; a 个 one's are the firms' records
        firm = getattr(record, "enterprise", None) or record
        name = getattr(firm, "short_name", None) or getattr(firm, "name", str(firm))
        if name not in firms:
            firms.append(name)
    return "（" + "、".join(firms) + "）"


def sentences(period: Period, values: dict, county: str) -> dict[str, list[str]]:
    """The sentences of each section; a section with no data says so instead of printing zeros."""
    v = values
    out: dict[str, list[str]] = {key: [] for key in SECTIONS}
    if v.get("enterprises.total"):
        out["一"].append(
            _(
                "截至%(end)s，全县登记在册的科技型和创新创业企业%(n)s家。",
                end=chinese_date(period.end),
                n=v["enterprises.total"],
            )
        )
    if v.get("incubation.tenants_active") or v.get("incubation.tenants_new"):
        groups = "、".join(
            _("%(label)s创业企业%(n)s家", label=group.label, n=v[f"incubation.{group.value}_tenants_active"])
            for group in FounderGroup
            if v.get(f"incubation.{group.value}_tenants_active")
        )
        text = _("目前已有%(n)s家企业入驻孵化基地", n=v["incubation.tenants_active"])
        if groups:
            text += _("，其中%(groups)s", groups=groups)
        text += _(
            "；本期新入孵企业%(new)s家，毕业企业%(grad)s家",
            new=v["incubation.tenants_new"],
            grad=v["incubation.tenants_graduated"],
        )
        if v.get("incubation.free_space_active"):
            text += _("；%(n)s家在孵企业享受免费办公场地", n=v["incubation.free_space_active"])
        out["三"].append(text + "。")
    if any(v.get(c) for c in ("tech_sme.registered", "high_tech.applied", "high_tech.valid")):
        out["四"].append(
            _(
                "继续实施科技企业梯度培育计划，本年度新注册科技型中小企业%(a)s家，指导%(b)s家企业申报高新技术企业，"
                "有效期内高新技术企业%(c)s家。",
                a=v["tech_sme.registered"],
                b=v["high_tech.applied"],
                c=v["high_tech.valid"],
            )
        )
    if v.get("srdi.little_giant_national_valid"):
        text = _(
            "全县现有国家级专精特新“小巨人”企业%(n)s家%(names)s",
            n=v["srdi.little_giant_national_valid"],
            names=_names("srdi.little_giant_national_valid", period),
        )
        if v.get("srdi.little_giant_national_key_valid"):
            text += _(
                "，其中重点支持“小巨人”企业%(n)s家%(names)s",
                n=v["srdi.little_giant_national_key_valid"],
                names=_names("srdi.little_giant_national_key_valid", period),
            )
        out["四"].append(text + "。")
    if v.get("srdi.product_provincial_applied_products") or v.get("srdi.little_giant_provincial_applied"):
        out["四"].append(
            _(
                "申报省级“专精特新”产品%(a)s个%(names)s，申报省级专精特新“小巨人”企业%(b)s家。",
                a=v["srdi.product_provincial_applied_products"],
                names=_names("srdi.product_provincial_applied", period),
                b=v["srdi.little_giant_provincial_applied"],
            )
        )
    if v.get("srdi.sme_provincial_valid"):
        out["四"].append(_("省级专精特新中小企业%(n)s家。", n=v["srdi.sme_provincial_valid"]))
    if v.get("incubation.incubators"):
        out["五"].append(_("全县现有各类孵化载体%(n)s个。", n=v["incubation.incubators"]))
    if v.get("ip_pledge.outreach_enterprises_high_value") or v.get("ip_pledge.outreach_towns"):
        out["六"].append(
            _(
                "为解决中小企业融资困难，我县相关部门深入%(a)s家获得高价值知识产权的企业和%(b)s个镇街进行融资宣传。",
                a=v["ip_pledge.outreach_enterprises_high_value"],
                b=v["ip_pledge.outreach_towns"],
            )
        )
    if v.get("ip_pledge.high_value_ip_enterprises"):
        out["六"].append(
            _("全县拥有高价值知识产权的企业%(n)s家。", n=v["ip_pledge.high_value_ip_enterprises"])
        )
    if v.get("ip_pledge.loans"):
        out["六"].append(
            _(
                "办理知识产权质押贷款%(n)s笔，金额%(amount)s万元。",
                n=v["ip_pledge.loans"],
                amount=number(v["ip_pledge.loan_amount_wan"]),
            )
        )
    if v.get("listing.reserve_active"):
        text = _("完善我县上市后备企业库，现有上市后备企业%(n)s家", n=v["listing.reserve_active"])
        if v.get("listing.key_reserve_active"):
            text += _(
                "，其中重点上市后备企业%(n)s家%(names)s",
                n=v["listing.key_reserve_active"],
                names=_names("listing.key_reserve_active", period),
            )
        if v.get("listing.new_reserve"):
            text += _("；本期新入库%(n)s家", n=v["listing.new_reserve"])
        if v.get("listing.listed"):
            text += _("；新上市企业%(n)s家", n=v["listing.listed"])
        out["六"].append(text + "。")
    if v.get("listing.trainings"):
        out["六"].append(
            _(
                "组织企业参加上市业务培训%(n)s场，共%(m)s家企业参加。",
                n=v["listing.trainings"],
                m=v["listing.training_enterprises"],
            )
        )
    for indicator in ind.all_indicators():
        if indicator.section == "七" and v.get(indicator.code):
            out["七"].append(
                _(
                    "%(label)s%(n)s家。",
                    label=indicator.label.removesuffix("企业") + "的企业",
                    n=v[indicator.code],
                )
            )
    return out


def build(period: Period, county: str, issuer: str | None = None, day: date | None = None) -> bytes:
    """The draft as DOCX bytes, in the official layout, signed by ``issuer`` (the county's people's
    government unless given) on ``day`` (today unless given)."""
    indicators = ind.all_indicators()
    values = ind.values(indicators, period.start, period.end)
    issuer = issuer or _("%(county)s人民政府", county=county)
    day = day or service.today()
    document = OfficialDocument()
    title = _("%(county)s推动创新创业高质量发展打造“双创”升级版工作方案的落实情况", county=county)
    document.title(title)
    document.paragraph(
        _(
            "按照《辽宁省关于推动创新创业高质量发展打造“双创”升级版工作方案》要求，结合我县实际，现将%(start)s至%(end)s的落实情况汇报如下：",
            start=chinese_date(period.start),
            end=chinese_date(period.end),
        )
    )
    text = sentences(period, values, county)
    for chapter, heading in SECTIONS.items():
        document.chapter(f"{chapter}、{heading}")
        for line in text[chapter] or [_("（本节暂无登记数据，请补充文字材料。）")]:
            document.paragraph(line)
    document.signature(issuer, day)
    document.properties(
        title=title,
        author=issuer,
        comments=_("本稿由县科技创新企业登记系统根据登记数据起草，数字均可在系统中追溯到具体记录。"),
        day=day,
    )
    return document.to_bytes()
