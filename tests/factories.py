"""Small factories: each makes one valid record with sensible defaults; keyword arguments override."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import delete

from registry.auth.services import create_user
from registry.db import write_transaction
from registry.domain.text import clean_name, name_key
from registry.domain.uscc import check_character
from registry.extensions import db
from registry.models import (
    Certification,
    ChangeLog,
    Enterprise,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    Incubator,
    ListingCandidate,
    ListingTierSpan,
    Outreach,
    PledgeLoan,
    StageChange,
    Tenancy,
    Town,
    Training,
    User,
)

_serial = itertools.count(1)
DAY = date(2021, 5, 1)  # the default date of a factory-made record
# Where a factory-made firm's dated fields (tags, high-value IP count) start when it has no establishment
# date: long before any period a test reads, so its values are in force in all of them.
DATED_FROM = date(2000, 1, 1)
PASSWORDS: dict[str, str] = {}


def uscc(serial: int | None = None, prefix: str = "91") -> str:
    first17 = f"{prefix}211122TT{serial or next(_serial):07d}"
    return first17 + check_character(first17)


def make_town(**kw) -> Town:
    n = next(_serial)
    town = Town(code=kw.pop("code", f"t{n}"), name=kw.pop("name", f"测试镇{n}"), **kw)
    db.session.add(town)
    db.session.flush()
    return town


def make_enterprise(**kw) -> Enterprise:
    """A firm; its tags and high-value IP count (``tags``, ``high_value_ip_count``) hold from ``dated_from``
    (its ``established_on``, else DATED_FROM) on, as spans the way the write path keeps them."""
    name = kw.pop("name", f"测试科技有限公司{next(_serial)}")
    town = kw.pop("town", None) or make_town()
    dated_from = kw.pop("dated_from", None) or kw.get("established_on") or DATED_FROM
    enterprise = Enterprise(
        name=clean_name(name),
        name_key=name_key(name),
        uscc=kw.pop("uscc", uscc()),
        legal_form=kw.pop("legal_form", "company"),
        town=town,
        **kw,
    )
    enterprise.high_value_ip_count = enterprise.high_value_ip_count or 0
    enterprise.tag_spans = [EnterpriseTagSpan(tag=t, valid_from=dated_from) for t in enterprise.tags]
    enterprise.ip_spans = [EnterpriseIpSpan(value=enterprise.high_value_ip_count, valid_from=dated_from)]
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def make_incubator(**kw) -> Incubator:
    town = kw.pop("town", None) or make_town()
    incubator = Incubator(
        name=kw.pop("name", f"测试孵化器{next(_serial)}"),
        kind=kw.pop("kind", "tech_incubator"),
        level=kw.pop("level", "county"),
        town=town,
        opened_on=kw.pop("opened_on", date(2020, 1, 1)),
        **kw,
    )
    db.session.add(incubator)
    db.session.flush()
    return incubator


def ensure_user(username: str, roles: list[str], **kw) -> tuple[User, str]:
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is not None:
        return user, PASSWORDS[username]
    return _new_user(username, roles, **kw)


def _new_user(username: str, roles: list[str], **kw) -> tuple[User, str]:
    """A user made by the real service, without the change-log row of its creation: a test's signed-in
    users are set-up, not part of the history the test looks at."""
    user, password = create_user(username, roles, **kw)
    with write_transaction():
        db.session.execute(
            delete(ChangeLog).where(ChangeLog.object_type == "user", ChangeLog.object_id == user.id)
        )
    PASSWORDS[username] = password
    return user, password


def _added(record):
    db.session.add(record)
    db.session.flush()
    return record


def make_tenancy(incubator=None, enterprise=None, **kw) -> Tenancy:
    return _added(
        Tenancy(
            incubator=incubator or make_incubator(),
            enterprise=enterprise or make_enterprise(),
            moved_in_on=kw.pop("moved_in_on", date(2021, 3, 1)),
            **kw,
        )
    )


def make_certification(enterprise=None, **kw) -> Certification:
    """A national tech-SME application; no dates unless given (an approved one needs ``approved_on``)."""
    return _added(
        Certification(
            enterprise=enterprise or make_enterprise(),
            kind=kw.pop("kind", "tech_sme"),
            level=kw.pop("level", "national"),
            status=kw.pop("status", "applied"),
            **kw,
        )
    )


def make_loan(enterprise=None, **kw) -> PledgeLoan:
    return _added(
        PledgeLoan(
            enterprise=enterprise or make_enterprise(),
            lender=kw.pop("lender", "盘锦银行"),
            ip_type=kw.pop("ip_type", "patent"),
            registered_on=kw.pop("registered_on", DAY),
            amount_wan=Decimal(kw.pop("amount_wan", 1)),
            **kw,
        )
    )


def make_candidate(enterprise=None, stages: Iterable[tuple[str, date]] = (), **kw) -> ListingCandidate:
    """A listing candidate with the given ``(stage, changed_on)`` history (none by default); its tier holds
    from ``entered_on`` on."""
    entered_on, tier = kw.pop("entered_on", DAY), kw.pop("tier", "general")
    return _added(
        ListingCandidate(
            enterprise=enterprise or make_enterprise(),
            entered_on=entered_on,
            tier=tier,
            stages=[StageChange(stage=stage, changed_on=day) for stage, day in stages],
            tier_spans=[ListingTierSpan(tier=tier, valid_from=entered_on)],
            **kw,
        )
    )


def make_outreach(**kw) -> Outreach:
    """A visit on ``DAY`` to the given ``enterprise`` or ``town`` (a new firm when neither is given)."""
    if "enterprise" not in kw and "town" not in kw:
        kw["enterprise"] = make_enterprise()
    return _added(Outreach(held_on=kw.pop("held_on", DAY), form=kw.pop("form", "visit"), **kw))


def make_training(participants: Iterable[Enterprise] = (), **kw) -> Training:
    return _added(
        Training(
            held_on=kw.pop("held_on", DAY),
            title=kw.pop("title", f"培训{next(_serial)}"),
            topic=kw.pop("topic", "ip"),
            participants=list(participants),
            **kw,
        )
    )


def make_park(**kw):
    from registry.models import Park

    return _added(Park(name=kw.pop("name", f"测试园区{next(_serial)}"), **kw))


def make_snapshot(**kw):
    from registry.models import ReportSnapshot

    start = kw.pop("start", DAY)
    return _added(
        ReportSnapshot(
            title=kw.pop("title", "快照"),
            start=start,
            end=kw.pop("end", start),
            values=kw.pop("values", []),
            **kw,
        )
    )


def make_tag(code: str = "kechuang-china", name: str = "科创中国平台注册"):
    from registry.models import Tag

    tag = Tag(code=code, name=name)
    db.session.add(tag)
    db.session.flush()
    return tag


def make_user(username: str, roles: list[str], **kw) -> User:
    user, _password = _new_user(username, roles, **kw)
    return db.session.get(User, user.id)


def names_on(page: str) -> list[str]:
    return re.findall(r'<a href="/enterprises/\d+">([^<]+)</a>', page)


# ---- the report workspace --------------------------------------------------------------------------------
# A small outline: two chapters with numbered sections and one chapter without (its own text), placeholders of
# every kind in the default texts.
TEST_OUTLINE = {
    "title": "测试工作方案的落实情况",
    "preamble": "按照工作方案要求，现将落实情况汇报如下：",
    "chapters": [
        {
            "code": "一",
            "heading": "着力促进创新创业环境升级",
            "sections": [
                {
                    "code": "一.1",
                    "heading": "简政放权释放企业创新活力",
                    "text": "政务服务事项{数据:政务服务事项}已全部录入。",
                },
                {
                    "code": "一.2",
                    "heading": "优化服务便利创新创业",
                    "text": "全县登记企业{enterprises.total}家。",
                    "indicators": ["enterprises.total"],
                },
            ],
        },
        {
            "code": "四",
            "heading": "深入推动科技创新支撑能力升级",
            "sections": [
                {
                    "code": "四.1",
                    "heading": "增强创新型企业引领带动作用",
                    "text": "新注册科技型中小企业{tech_sme.registered}家（{企业:tech_sme.registered}）。",
                    "indicators": ["tech_sme.registered"],
                }
            ],
        },
        {"code": "九", "heading": "下步工作措施", "text": "加强各部门联动，做好双创宣传工作。"},
    ],
}
PERIOD_2021 = (date(2021, 1, 1), date(2021, 7, 31))


def make_outline(data: dict | None = None):
    from registry.reports.workspace.lifecycle import seed_outline

    return seed_outline(data or TEST_OUTLINE)


def make_report(start: date = PERIOD_2021[0], end: date = PERIOD_2021[1], outline=None, **kw):
    """A draft report on ``outline`` (a new test outline unless given), as the system would create it."""
    from registry.reports.workspace.lifecycle import create_report

    outline = outline or make_outline()
    data = {"start": start.isoformat(), "end": end.isoformat(), "outline_id": outline.id} | kw
    return create_report(kw.pop("user", None), data)


def make_report_world(department: str = "统计局"):
    """An outline, a draft report, its section 一.1 assigned to ``department`` and a figure that
    ``department`` gives; returns (report, section, figure)."""
    from registry.models import Report
    from registry.reports.workspace import lifecycle

    report = make_report()
    section = lifecycle.section(None, report.id, "一.1")
    lifecycle.update_section(None, report.id, "一.1", section.version, {"department": department})
    figure = lifecycle.add_figure(
        None, report.id, {"name": "政务服务事项", "unit": "项", "source": department}
    )
    report = db.session.get(Report, report.id)
    return report, lifecycle.section(None, report.id, "一.1"), figure
