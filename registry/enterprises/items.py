"""A page of the API's firms read as plain rows: the firms' columns in one statement, their founder groups,
tags and the spans of their dated fields in one more. The API item reads them by the same names as it reads
a firm (api/collections.py), so the JSON is the same; no ORM object is built for a row that is only sent.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Date, Integer, Select, String, cast, literal, null, select, union_all

from ..extensions import db
from ..models import (
    Enterprise,
    EnterpriseFounderGroup,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    Tag,
    enterprise_tags,
)

FIRM_COLUMNS = tuple(Enterprise.__table__.c)
# The parts of a firm read beside its row, each put in the order the firm's relationships keep
# (models/enterprises.py): groups and tags by code, spans by start and id.
GROUP, TAG, TAG_SPAN, IP_SPAN = range(4)


def firm_rows(page: Select) -> list[SimpleNamespace]:
    """The firms ``page`` (a select of firms, in the list's order) selects, as rows with their founder
    groups (``founder_groups``: codes), tags (``tags``: code and id) and dated spans (``tag_spans``,
    ``ip_spans``)."""
    firms = [
        SimpleNamespace(**row._mapping) for row in db.session.execute(page.with_only_columns(*FIRM_COLUMNS))
    ]
    if not firms:
        return firms
    by_id = {}
    for firm in firms:
        firm.founder_groups, firm.tags, firm.tag_spans, firm.ip_spans = [], [], [], []
        by_id[firm.id] = firm
    ids = list(by_id)
    # The spans' select first: the union's columns take their types (dates) from it.
    parts = union_all(
        select(
            EnterpriseTagSpan.enterprise_id,
            literal(TAG_SPAN),
            EnterpriseTagSpan.id,
            Tag.code,
            cast(null(), Integer),
            EnterpriseTagSpan.valid_from,
            EnterpriseTagSpan.valid_to,
        )
        .join(Tag, Tag.id == EnterpriseTagSpan.tag_id)
        .where(EnterpriseTagSpan.enterprise_id.in_(ids)),
        select(
            EnterpriseIpSpan.enterprise_id,
            literal(IP_SPAN),
            EnterpriseIpSpan.id,
            cast(null(), String),
            EnterpriseIpSpan.value,
            EnterpriseIpSpan.valid_from,
            EnterpriseIpSpan.valid_to,
        ).where(EnterpriseIpSpan.enterprise_id.in_(ids)),
        select(
            EnterpriseFounderGroup.enterprise_id,
            literal(GROUP),
            literal(0),
            EnterpriseFounderGroup.founder_group,
            cast(null(), Integer),
            cast(null(), Date),
            cast(null(), Date),
        ).where(EnterpriseFounderGroup.enterprise_id.in_(ids)),
        select(
            enterprise_tags.c.enterprise_id,
            literal(TAG),
            Tag.id,
            Tag.code,
            cast(null(), Integer),
            cast(null(), Date),
            cast(null(), Date),
        )
        .join(Tag, Tag.id == enterprise_tags.c.tag_id)
        .where(enterprise_tags.c.enterprise_id.in_(ids)),
    )
    rows = db.session.execute(parts).all()
    for firm_id, part, _number, code, _value, _from, _to in sorted(
        (row for row in rows if row[1] in (GROUP, TAG)), key=lambda row: (row[1], row[3])
    ):
        if part == GROUP:
            by_id[firm_id].founder_groups.append(code)
        else:
            by_id[firm_id].tags.append(SimpleNamespace(code=code))
    spans = sorted((row for row in rows if row[1] in (TAG_SPAN, IP_SPAN)), key=lambda row: (row[5], row[2]))
    for firm_id, part, number, code, value, valid_from, valid_to in spans:
        if part == TAG_SPAN:
            tag = SimpleNamespace(code=code)
            by_id[firm_id].tag_spans.append(
                SimpleNamespace(id=number, tag=tag, valid_from=valid_from, valid_to=valid_to)
            )
        else:
            by_id[firm_id].ip_spans.append(
                SimpleNamespace(id=number, value=value, valid_from=valid_from, valid_to=valid_to)
            )
    return firms
    by_id = {}
    for firm in firms:
        firm.founder_groups, firm.tags, firm.tag_spans, firm.ip_spans = [], [], [], []
        by_id[firm.id] = firm
    ids = list(by_id)
    parts = union_all(
        select(
            EnterpriseFounderGroup.enterprise_id,
            literal(GROUP),
            literal(0),
            EnterpriseFounderGroup.founder_group,
            null(),
            null(),
        ).where(EnterpriseFounderGroup.enterprise_id.in_(ids)),
        select(enterprise_tags.c.enterprise_id, literal(TAG), Tag.id, Tag.code, null(), null())
        .join(Tag, Tag.id == enterprise_tags.c.tag_id)
        .where(enterprise_tags.c.enterprise_id.in_(ids)),
        select(
            EnterpriseTagSpan.enterprise_id,
            literal(TAG_SPAN),
            EnterpriseTagSpan.id,
            Tag.code,
            EnterpriseTagSpan.valid_from,
            EnterpriseTagSpan.valid_to,
        )
        .join(Tag, Tag.id == EnterpriseTagSpan.tag_id)
        .where(EnterpriseTagSpan.enterprise_id.in_(ids)),
        select(
            EnterpriseIpSpan.enterprise_id,
            literal(IP_SPAN),
            EnterpriseIpSpan.id,
            EnterpriseIpSpan.value,
            EnterpriseIpSpan.valid_from,
            EnterpriseIpSpan.valid_to,
        ).where(EnterpriseIpSpan.enterprise_id.in_(ids)),
    ).subquery()
    rows = db.session.execute(select(parts)).all()
    spans = [row for row in rows if row[1] in (TAG_SPAN, IP_SPAN)]
    for firm_id, part, _number, value, *_dates in sorted(
        (row for row in rows if row[1] in (GROUP, TAG)), key=lambda row: (row[1], row[3])
    ):
        firm = by_id[firm_id]
        if part == GROUP:
            firm.founder_groups.append(value)
        else:
            firm.tags.append(SimpleNamespace(code=value))
    for firm_id, part, number, value, valid_from, valid_to in sorted(spans, key=lambda row: (row[4], row[2])):
        if part == TAG_SPAN:
            span = SimpleNamespace(
                id=number, tag=SimpleNamespace(code=value), valid_from=valid_from, valid_to=valid_to
            )
            by_id[firm_id].tag_spans.append(span)
        else:
            span = SimpleNamespace(id=number, value=value, valid_from=valid_from, valid_to=valid_to)
            by_id[firm_id].ip_spans.append(span)
    return firms
