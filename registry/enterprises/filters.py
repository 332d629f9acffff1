"""The enterprise list: search, filters, facets and sort keys (one definition for page, API and export)."""

from __future__ import annotations

import re
from datetime import date

from flask import g
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import String, and_, cast, column, false, func, literal, or_, select, table, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..certifications.validity import held_on
from ..domain.text import name_key
from ..domain.uscc import normalise_uscc
from ..enums import FounderGroup, Industry, LegalForm
from ..extensions import db
from ..list_engine import (
    Facet,
    Filter,
    ListSpec,
    Sort,
    archived_filter,
    count_facet,
    enum_filter,
    enum_parser,
)
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
from ..models.search import FTS_TABLE, MIN_TRIGRAM, fts_match
from .services import ENTERPRISE


def base(user):
    return ENTERPRISE.visible(user, select(Enterprise))


USCC_CHARACTERS = re.compile(r"[0-9A-Z]+")


def search(query, q: str):
    """Firms whose name contains ``q`` (width, script and punctuation folded) or whose USCC starts with it.

    Three characters or more are looked up by trigram (models/search.py); shorter text reads the names
    within a bound (:func:`name_contains`).
    """
    key = name_key(q)
    code = normalise_uscc(q)
    conditions = []
    if USCC_CHARACTERS.fullmatch(code):  # a key range, so the unique index on uscc answers it
        conditions.append(and_(Enterprise.uscc >= code, Enterprise.uscc < code[:-1] + chr(ord(code[-1]) + 1)))
    if key:
        conditions.append(name_contains(key, within=query))
    return query.where(or_(*conditions)) if conditions else query.where(false())


SHORT_SET = 1000  # a term too short for trigrams: at most this many matching ids are gathered
SHORT_PROBE = 2000  # and the list's first rows (by name) read to see whether matches come early
SHORT_EARLY = 101  # matches among them that let the list's order find the largest page (100 + 1) within them


def name_contains(key: str, within=None):
    """SQL: the firm's duplicate key contains ``key`` (already folded by :func:`name_key`).

    A key shorter than a trigram has no index to look it up. ``within`` (the rows the user may see) is
    first read in one statement, both parts of which stop early: at most SHORT_SET + 1 matching ids, and
    the matches among the first SHORT_PROBE rows in name order.

    - A rare term (SHORT_SET ids or fewer, found by reading the names once) becomes that id set, which
      the page, its count and its facets look up by primary key and sort.
    - A common term whose matches come early in the list's order stays a plain condition on the name:
      the list's order is walked and stops after a page of matches.
    - A common term whose matches come late (a town's name, most firms of which sort after the others)
      is read as every matching id, sorted: walking the list's order would read most of it first.

    Every way selects exactly the firms whose name contains ``key``.
    """
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    # Keys are case-folded on both sides, so SQLite's instr() (a plain byte search, a third cheaper than
    # its LIKE) finds what LIKE does.
    contains = (
        func.instr(Enterprise.name_key, key) > 0
        if sqlite
        else Enterprise.name_key.contains(key, autoescape=True)
    )
    every_match = Enterprise.id.in_(select(Enterprise.id).where(contains))
    if len(key) >= MIN_TRIGRAM:
        if sqlite:
            fts = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))
            matches = select(fts.c.rowid).where(fts.c[FTS_TABLE].op("MATCH")(fts_match(key)))
            return Enterprise.id.in_(matches)
        return every_match  # PostgreSQL's trigram index answers LIKE '%…%' itself
    if within is None:
        return contains
    gathered = within.with_only_columns(Enterprise.id).where(contains).order_by(None).limit(SHORT_SET + 1)
    first = (
        within.with_only_columns(Enterprise.name_key)
        .order_by(Enterprise.name, Enterprise.id)
        .limit(SHORT_PROBE)
        .subquery()
    )
    first_key = first.c.name_key
    early = (
        select(func.count())
        .select_from(first)
        .where(func.instr(first_key, key) > 0 if sqlite else first_key.contains(key, autoescape=True))
    )
    gathered = gathered.subquery()
    rows = db.session.execute(
        union_all(
            select(literal(0).label("part"), gathered.c.id.label("value")),
            select(literal(1), early.scalar_subquery()),
        )
    ).all()
    ids = {value for part, value in rows if part == 0 and value is not None}  # (outreach: no firm)
    hits = sum(value for part, value in rows if part == 1)
    if sum(1 for part, _value in rows if part == 0) <= SHORT_SET:
        return Enterprise.id.in_(sorted(ids))
    return contains if hits >= SHORT_EARLY else every_match


def holders(kind_code: str, on: date | None = None):
    """SQL: the ids of the enterprises holding a valid certification of this kind on ``on`` (today by
    default) — read from the certifications' (kind, approved_on) index, not per firm."""
    return select(Certification.enterprise_id).where(
        held_on(on or date.today(), Certification.kind == kind_code)
    )


def firm_owned_spec(
    model,
    kind,
    *,
    filters: list[Filter],
    sorts: list[Sort],
    default_sort: str,
    facets: list[Facet] | None = None,
    eager: tuple = (),
    firm_optional: bool = False,
) -> ListSpec:
    """The list of a kind of record that belongs to a firm (certifications, outreach, loans, candidates,
    tenancies): the rows ``kind`` lets the user see, joined to their firm so the firm's name or USCC finds
    them, then ``filters`` and the archived filter, with the firm loaded alongside each row.

    ``firm_optional``: a row may have no firm (outreach to a town); it stays in the list unless searched.
    """
    return ListSpec(
        model=model,
        base=lambda user: kind.visible(
            user,
            select(model).join(Enterprise, Enterprise.id == model.enterprise_id, isouter=firm_optional),
        ),
        search=search,
        filters=[*filters, archived_filter(model)],
        facets=facets or [],
        sorts=sorts,
        default_sort=default_sort,
        eager=(joinedload(model.enterprise), *eager),
    )


# The filter form's towns, parks, tags and certification kinds: name, value, label, order (text), order
# (number). Built once; read once per request (:func:`_choices`).
_CHOICE_PARTS = [
    ("town", Town.id, Town.name, Town.code, literal(0)),
    ("park", Park.id, Park.name, Park.name, literal(0)),
    ("tag", Tag.code, Tag.name, Tag.code, literal(0)),
    ("certification", CertificationKind.code, CertificationKind.name, literal(""), CertificationKind.id),
]
_CHOICES = union_all(
    *[
        select(literal(name), cast(value, String), cast(label, String), cast(text, String), number)
        for name, value, label, text, number in _CHOICE_PARTS
    ]
)


def _choices() -> dict[str, list[tuple[str, str]]]:
    """The filter form's towns, parks, tags and certification kinds: one statement per request."""
    if "enterprise_choices" not in g:
        choices: dict[str, list] = {part[0]: [] for part in _CHOICE_PARTS}
        for name, value, label, _text, _number in sorted(
            db.session.execute(_CHOICES).all(), key=lambda row: (row[3], row[4])
        ):
            choices[name].append((value, label))
        g.enterprise_choices = choices
    return g.enterprise_choices


def _town_choices():
    return _choices()["town"]


def _park_choices():
    return _choices()["park"]


def _tag_choices():
    return _choices()["tag"]


def _kind_choices():
    return _choices()["certification"]


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
    return (
        select(
            CertificationKind.code,
            CertificationKind.name,
            func.count(func.distinct(Certification.enterprise_id)),
        )
        .select_from(Certification)
        .join(CertificationKind, CertificationKind.code == Certification.kind)
        .where(held_on(date.today(), Certification.enterprise_id.in_(ids)))
        .group_by(CertificationKind.code, CertificationKind.name)
        .order_by(func.count(func.distinct(Certification.enterprise_id)).desc(), CertificationKind.code)
    )


# A firm is 存续 until its deregistration date (never after today), 已注销 from then on (DESIGN.md §3).
STATUSES = (("active", _l("存续")), ("deregistered", _l("已注销")))


def _status(query, value):
    if value == "deregistered":
        return query.where(Enterprise.deregistered_on.is_not(None))
    return query.where(Enterprise.deregistered_on.is_(None))


SPEC = ListSpec(
    model=Enterprise,
    base=base,
    search=search,
    filters=[
        Filter(
            "town",
            lazy_pgettext("one", "镇街"),
            lambda q, v: q.where(Enterprise.town_id == v),
            int,
            _town_choices,
        ),
        Filter(
            "park",
            lazy_pgettext("one", "园区"),
            lambda q, v: q.where(Enterprise.park_id == v),
            int,
            _park_choices,
        ),
        enum_filter("industry", _l("行业门类"), Enterprise.industry, Industry),
        enum_filter("legal_form", _l("主体类型"), Enterprise.legal_form, LegalForm),
        Filter(
            "founder_group",
            _l("创业者群体"),
            lambda q, v: q.where(
                Enterprise.id.in_(
                    select(EnterpriseFounderGroup.enterprise_id).where(
                        EnterpriseFounderGroup.founder_group == v
                    )
                )
            ),
            enum_parser(FounderGroup.codes),
            FounderGroup.text_choices,
        ),
        Filter(
            "tag",
            _l("标签"),
            lambda q, v: q.where(
                Enterprise.id.in_(
                    select(enterprise_tags.c.enterprise_id).where(
                        enterprise_tags.c.tag_id == select(Tag.id).where(Tag.code == v).scalar_subquery()
                    )
                )
            ),
            str,
            _tag_choices,
        ),
        Filter(
            "certification",
            _l("持有有效资质"),
            lambda q, v: q.where(Enterprise.id.in_(holders(v))),
            str,
            _kind_choices,
        ),
        Filter(
            "status",
            _l("状态"),
            _status,
            enum_parser(lambda: [code for code, _label in STATUSES]),
            lambda: [(code, str(label)) for code, label in STATUSES],
        ),
        archived_filter(Enterprise),
    ],
    facets=[
        Facet(
            "town",
            lazy_pgettext("one", "镇街"),
            count_facet(Enterprise, Enterprise.town_id, Town.name, lambda s: s.join(Town), Town.id),
        ),
        Facet("legal_form", _l("主体类型"), count_facet(Enterprise, Enterprise.legal_form), enum=LegalForm),
        Facet("industry", _l("行业门类"), count_facet(Enterprise, Enterprise.industry)),
        Facet("founder_group", _l("创业者群体"), _founder_facet, enum=FounderGroup),
        Facet("tag", _l("标签"), _tag_facet),
        Facet("certification", _l("持有有效资质"), _certification_facet),
    ],
    sorts=[
        Sort("name", _l("企业名称"), Enterprise.name),
        Sort("uscc", _l("统一社会信用代码"), Enterprise.uscc, nullable=True),
        Sort("established_on", _l("成立日期"), Enterprise.established_on, nullable=True, value_type="date"),
        Sort("employees", _l("从业人数"), Enterprise.employees, nullable=True, value_type="int"),
        Sort(
            "registered_capital_wan",
            _l("注册资本"),
            Enterprise.registered_capital_wan,
            nullable=True,
            value_type="decimal",
        ),
        Sort("high_value_ip_count", _l("高价值知识产权"), Enterprise.high_value_ip_count, value_type="int"),
        Sort("updated_at", _l("更新时间"), Enterprise.updated_at, value_type="datetime"),
    ],
    default_sort="name",
    eager=(
        joinedload(Enterprise.town),
        joinedload(Enterprise.park),
        selectinload(Enterprise.tags),
        selectinload(Enterprise.founder_group_rows),
    ),
)
