"""The enterprise list: search, filters, facets and sort keys (one definition for page, API and export)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..domain.text import name_key
from ..domain.uscc import normalise_uscc
from ..enums import FounderGroup, Industry, LegalForm
from ..extensions import db
from ..lists import Facet, Filter, ListSpec, Sort
from ..models import (
    Certification,
    CertificationKind,
    Enterprise,
    EnterpriseFounderGroup,
    Park,
    Tag,
    Town,
    enterprise_tags,
)
from .services import ENTERPRISE


def base(user):
    return ENTERPRISE.visible(user, select(Enterprise))


def search(query, q: str):
    key = name_key(q)
    code = normalise_uscc(q)
    conditions = [Enterprise.uscc.startswith(code, autoescape=True)]
    if key:
        conditions.append(Enterprise.name_key.contains(key, autoescape=True))
    return query.where(or_(*conditions))


def holds_valid(kind_code: str, on: date | None = None):
    """SQL: the enterprise holds a valid certification of this kind on ``on`` (today by default)."""
    on = on or date.today()
    return exists().where(
        Certification.enterprise_id == Enterprise.id,
        Certification.kind == kind_code,
        Certification.archived_at.is_(None),
        Certification.status.in_(["approved", "revoked"]),
        Certification.approved_on <= on,
        or_(Certification.valid_until.is_(None), Certification.valid_until >= on),
        or_(Certification.revoked_on.is_(None), Certification.revoked_on > on),
    )


def _archived(query, value):
    if value == "all":
        return query
    return query.where(
        Enterprise.archived_at.is_not(None) if value == "1" else Enterprise.archived_at.is_(None)
    )


def _archived_value(text: str) -> str:
    if text not in ("0", "1", "all"):
        raise ValueError(text)
    return text


def _enum_value(enum):
    def parse(text: str) -> str:
        if text not in enum.codes():
            raise ValueError(text)
        return text

    return parse


def _town_choices():
    return [(str(t.id), t.name) for t in db.session.scalars(select(Town).order_by(Town.code))]


def _park_choices():
    return [(str(p.id), p.name) for p in db.session.scalars(select(Park).order_by(Park.name))]


def _tag_choices():
    return [(t.code, t.name) for t in db.session.scalars(select(Tag).order_by(Tag.code))]


def _kind_choices():
    return [
        (k.code, k.name) for k in db.session.scalars(select(CertificationKind).order_by(CertificationKind.id))
    ]


def _group_facet(column, label_column=None, join=None):
    """A facet counting the filtered rows by ``column`` (with a label column from a joined table)."""

    def query(ids):
        label = label_column if label_column is not None else column
        statement = select(column, label, func.count()).where(Enterprise.id.in_(ids))
        statement = statement.select_from(Enterprise)
        if join is not None:
            statement = join(statement)
        return statement.group_by(column, label).order_by(func.count().desc(), column)

    return query


def _tag_facet(ids):
    return (
        select(Tag.code, Tag.name, func.count())
        .select_from(enterprise_tags)
        .join(Tag, Tag.id == enterprise_tags.c.tag_id)
        .where(enterprise_tags.c.enterprise_id.in_(ids))
        .group_by(Tag.code, Tag.name)
        .order_by(func.count().desc(), Tag.code)
    )


def _founder_facet(ids):
    return (
        select(EnterpriseFounderGroup.founder_group, literal(""), func.count())
        .where(EnterpriseFounderGroup.enterprise_id.in_(ids))
        .group_by(EnterpriseFounderGroup.founder_group)
        .order_by(func.count().desc(), EnterpriseFounderGroup.founder_group)
    )


def _certification_facet(ids):
    today = date.today()
    return (
        select(
            CertificationKind.code,
            CertificationKind.name,
            func.count(func.distinct(Certification.enterprise_id)),
        )
        .select_from(Certification)
        .join(CertificationKind, CertificationKind.code == Certification.kind)
        .where(
            Certification.enterprise_id.in_(ids),
            Certification.archived_at.is_(None),
            Certification.status.in_(["approved", "revoked"]),
            Certification.approved_on <= today,
            or_(Certification.valid_until.is_(None), Certification.valid_until >= today),
            or_(Certification.revoked_on.is_(None), Certification.revoked_on > today),
        )
        .group_by(CertificationKind.code, CertificationKind.name)
        .order_by(func.count(func.distinct(Certification.enterprise_id)).desc(), CertificationKind.code)
    )


SPEC = ListSpec(
    model=Enterprise,
    base=base,
    search=search,
    filters=[
        Filter("town", _l("镇街"), lambda q, v: q.where(Enterprise.town_id == v), int, _town_choices),
        Filter("park", _l("园区"), lambda q, v: q.where(Enterprise.park_id == v), int, _park_choices),
        Filter(
            "industry",
            _l("行业门类"),
            lambda q, v: q.where(Enterprise.industry == v),
            _enum_value(Industry),
            Industry.choices,
        ),
        Filter(
            "legal_form",
            _l("主体类型"),
            lambda q, v: q.where(Enterprise.legal_form == v),
            _enum_value(LegalForm),
            LegalForm.choices,
        ),
        Filter(
            "founder_group",
            _l("创业者群体"),
            lambda q, v: q.where(
                exists().where(
                    EnterpriseFounderGroup.enterprise_id == Enterprise.id,
                    EnterpriseFounderGroup.founder_group == v,
                )
            ),
            _enum_value(FounderGroup),
            FounderGroup.choices,
        ),
        Filter(
            "tag",
            _l("标签"),
            lambda q, v: q.where(
                exists().where(
                    enterprise_tags.c.enterprise_id == Enterprise.id,
                    enterprise_tags.c.tag_id == Tag.id,
                    Tag.code == v,
                )
            ),
            str,
            _tag_choices,
        ),
        Filter("certification", _l("持有有效资质"), lambda q, v: q.where(holds_valid(v)), str, _kind_choices),
        Filter(
            "archived",
            _l("归档状态"),
            _archived,
            _archived_value,
            lambda: [("0", str(_l("在册"))), ("1", str(_l("已归档"))), ("all", str(_l("全部")))],
            default="0",
        ),
    ],
    facets=[
        Facet("town", _l("镇街"), _group_facet(Enterprise.town_id, Town.name, lambda s: s.join(Town))),
        Facet("legal_form", _l("主体类型"), _group_facet(Enterprise.legal_form), enum=LegalForm),
        Facet("industry", _l("行业门类"), _group_facet(Enterprise.industry)),
        Facet("founder_group", _l("创业者群体"), _founder_facet, enum=FounderGroup),
        Facet("tag", _l("标签"), _tag_facet),
        Facet("certification", _l("持有有效资质"), _certification_facet),
    ],
    sorts=[
        Sort("name", _l("企业名称"), Enterprise.name),
        Sort("uscc", _l("统一社会信用代码"), Enterprise.uscc, nullable=True),
        Sort("established_on", _l("成立日期"), Enterprise.established_on, nullable=True, kind="date"),
        Sort("employees", _l("从业人数"), Enterprise.employees, nullable=True, kind="int"),
        Sort(
            "registered_capital_wan",
            _l("注册资本"),
            Enterprise.registered_capital_wan,
            nullable=True,
            kind="decimal",
        ),
        Sort("high_value_ip_count", _l("高价值知识产权"), Enterprise.high_value_ip_count, kind="int"),
        Sort("updated_at", _l("更新时间"), Enterprise.updated_at, kind="datetime"),
    ],
    default_sort="name",
    eager=(
        joinedload(Enterprise.town),
        joinedload(Enterprise.park),
        selectinload(Enterprise.tags),
        selectinload(Enterprise.founder_group_rows),
    ),
)
