"""Demo data: 盘山县's reference data and records that reproduce its 2021 report's numbers.

For the period 2021-01-01 … 2021-07-31 the summary gives the report's figures (README, "Demo data"):
8 new 科技型中小企业, 3 高企 applications, 2 national 小巨人 (1 with key support), 5 provincial 专精特新产品 and
4 provincial 小巨人 applications, 26 active incubator tenants, outreach to 22 firms with high-value IP and to
13 towns, 1 key listing-reserve firm, 2 listing trainings and 102 firms registered on 科创中国.
Records around the period's edges (before, after, archived, expired) are there on purpose, so the numbers
come out right only when the definitions of DESIGN.md §4 are applied exactly.
"""

from __future__ import annotations

from sqlalchemy import select

from ..db import write_transaction
from ..extensions import db
from ..models import Enterprise, Incubator, Park, Tag, Town
from . import data
from .builder import DemoBuilder, demo_uscc
from .report import seed_report


def load_demo_data() -> dict[str, int]:
    """Load reference data and demo records in one transaction; a second run adds nothing.

    Reference data (towns, parks, tags, incubators) is completed by natural key. The demo records are
    loaded once: when the first demo firm is already there, they are left as they are.
    """
    with write_transaction():
        towns = _get_or_create(Town, "code", [{"code": c, "name": n} for c, n in data.TOWNS])
        parks = _get_or_create(Park, "name", [{"name": n, "town_id": towns[t].id} for n, t in data.PARKS])
        tags = _get_or_create(Tag, "code", [{"code": c, "name": n} for c, n in data.TAGS])
        incubators = _get_or_create(
            Incubator,
            "name",
            [
                {
                    "name": n,
                    "kind": k,
                    "level": lv,
                    "town_id": towns[t].id,
                    "operator": op,
                    "opened_on": _date(opened),
                }
                for n, k, lv, t, op, opened in data.INCUBATORS
            ],
        )
        if db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == demo_uscc("company", 1))):
            return {"enterprises": 0}
        builder = DemoBuilder(towns, parks, tags, incubators)
        builder.build()
        db.session.flush()
        if seed_report() is not None:
            builder.created["reports"] += 1
        return dict(builder.created)


def _get_or_create(model, key: str, rows: list[dict]) -> dict:
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    for row in rows:
        if row[key] not in existing:
            obj = model(**row)
            db.session.add(obj)
            existing[row[key]] = obj
    db.session.flush()
    return existing


def _date(text):
    from datetime import date

    return date.fromisoformat(text) if text else None
