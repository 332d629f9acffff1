"""Firms read as plain rows: a firm's founder groups, tags and the spans of its dated fields in one statement
for any number of firms (:func:`firm_parts`), and the API list's page of firms in one more
(:func:`firm_rows`). They carry the names a firm's record has, so what reads a firm (the API item, the
dated fields' history) reads them alike; no ORM object is built for a row that is only shown or sent.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Date, Integer, Select, String, bindparam, cast, literal, null, select, union_all

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


def _parts_statement(ids):
    no_number, no_day = cast(null(), Integer), cast(null(), Date)
    # The spans' select first: the union's columns take their types (dates) from it.
    return union_all(
        select(
            EnterpriseTagSpan.enterprise_id,
            literal(TAG_SPAN),
            EnterpriseTagSpan.id,
            Tag.code,
            Tag.name,
            no_number,
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
            cast(null(), String),
            no_number,
            no_day,
            no_day,
        ).where(EnterpriseFounderGroup.enterprise_id.in_(ids)),
        select(
            enterprise_tags.c.enterprise_id,
            literal(TAG),
            Tag.id,
            Tag.code,
            Tag.name,
            no_number,
            no_day,
            no_day,
        )
        .join(Tag, Tag.id == enterprise_tags.c.tag_id)
        .where(enterprise_tags.c.enterprise_id.in_(ids)),
    )


# Built once, the firms' ids bound when it runs: building the four-part union and its cache key cost several
# times what running it does.
PARTS = _parts_statement(bindparam("ids", expanding=True))


def firm_parts(ids: list[int]) -> dict[int, SimpleNamespace]:
    """Each firm's founder groups (``founder_groups``: codes), tags (``tags``: code and name) and dated
    spans (``tag_spans`` with their tag, ``ip_spans``), by firm id, in one statement."""
    parts = {
        firm_id: SimpleNamespace(founder_groups=[], tags=[], tag_spans=[], ip_spans=[]) for firm_id in ids
    }
    if not ids:
        return parts
    rows = db.session.execute(PARTS, {"ids": ids}).all()
    for firm_id, part, _number, code, name, _value, _from, _to in sorted(
        (row for row in rows if row[1] in (GROUP, TAG)), key=lambda row: (row[1], row[3])
    ):
        if part == GROUP:
            parts[firm_id].founder_groups.append(code)
        else:
            parts[firm_id].tags.append(SimpleNamespace(code=code, name=name))
    spans = sorted((row for row in rows if row[1] in (TAG_SPAN, IP_SPAN)), key=lambda row: (row[6], row[2]))
    for firm_id, part, number, code, name, value, valid_from, valid_to in spans:
        if part == TAG_SPAN:
            tag = SimpleNamespace(code=code, name=name)
            parts[firm_id].tag_spans.append(
                SimpleNamespace(id=number, tag=tag, valid_from=valid_from, valid_to=valid_to)
            )
        else:
            parts[firm_id].ip_spans.append(
                SimpleNamespace(id=number, value=value, valid_from=valid_from, valid_to=valid_to)
            )
    return parts


def firm_rows(page: Select) -> list[SimpleNamespace]:
    """The firms ``page`` (a select of firms, in the list's order) selects, as rows with their parts
    (:func:`firm_parts`)."""
    rows = db.session.execute(page.with_only_columns(*FIRM_COLUMNS)).all()
    parts = firm_parts([row.id for row in rows])
    return [SimpleNamespace(**row._mapping, **vars(parts[row.id])) for row in rows]
