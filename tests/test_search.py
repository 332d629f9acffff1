"""Quick search by trigram index: kept in sync by every kind of write, same answers as a plain scan."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, text, update

from registry.domain.text import name_key
from registry.extensions import db
from registry.models import Enterprise
from registry.models.base import utcnow
from registry.models.search import FTS_TABLE

from .factories import make_enterprise, make_town, names_on


def search(client, q: str) -> list[str]:
    response = client.get("/enterprises/", query_string={"q": q})
    assert response.status_code == 200, q
    return sorted(names_on(response.get_data(as_text=True)))


def fts_is_consistent() -> None:
    """SQLite: the FTS5 index agrees with its content table (an error is raised otherwise)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')"))


@pytest.fixture
def firms(app):
    with app.app_context():
        town = make_town()
        make_enterprise(name="辽河金田塑业有限公司", town=town)
        make_enterprise(name="盘锦長錦農業科技有限公司", town=town)  # stored as typed, found by its key
        make_enterprise(name="大连100%纯净水有限公司", town=town)
        db.session.commit()
        return town.id


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("金田塑业", ["辽河金田塑业有限公司"]),  # the middle of a name
        ("金田塑業", ["辽河金田塑业有限公司"]),  # traditional input
        ("长锦农业", ["盘锦長錦農業科技有限公司"]),  # simplified input, traditional name
        ("業科技", ["盘锦長錦農業科技有限公司"]),
        ("塑业有限", ["辽河金田塑业有限公司"]),
        ("金田", ["辽河金田塑业有限公司"]),  # two characters: no trigram, the names are read instead
        ("塑", ["辽河金田塑业有限公司"]),
        ("100%", ["大连100%纯净水有限公司"]),  # LIKE wildcards are text
        ("0%纯", ["大连100%纯净水有限公司"]),
        ("%", ["大连100%纯净水有限公司"]),
        ("有限公司", ["大连100%纯净水有限公司", "盘锦長錦農業科技有限公司", "辽河金田塑业有限公司"]),
        ('"金田', ["辽河金田塑业有限公司"]),  # quotes are no FTS5 syntax here
        ("金田 OR 纯净", []),
        ("纯净水*", []),
        ("不存在的名字", []),
    ],
)
def test_search_finds_names_containing_the_text(client, auth, firms, q, expected):
    auth.login("rw", roles=("report_writer",))
    assert search(client, q) == expected


def test_search_follows_renames_bulk_inserts_and_deletes(client, auth, app, firms):
    auth.login("rw", roles=("report_writer",))
    with app.app_context():
        firm = db.session.scalar(select(Enterprise).where(Enterprise.name == "辽河金田塑业有限公司"))
        firm.name, firm.name_key = "辽河银河塑业有限公司", name_key("辽河银河塑业有限公司")
        db.session.commit()
        stamp = {"created_at": utcnow(), "updated_at": utcnow(), "version": 1, "legal_form": "company"}
        db.session.execute(
            insert(Enterprise.__table__),
            [
                {"name": name, "name_key": name_key(name), "town_id": firms, **stamp}
                for name in ("锦州批量导入一号有限公司", "锦州批量导入二号有限公司")
            ],
        )
        db.session.commit()
        fts_is_consistent()
    assert search(client, "金田塑") == []
    assert search(client, "银河塑") == ["辽河银河塑业有限公司"]
    assert search(client, "批量导入") == ["锦州批量导入一号有限公司", "锦州批量导入二号有限公司"]
    with app.app_context():
        db.session.execute(update(Enterprise).where(Enterprise.name.like("%一号%")).values(notes="改了备注"))
        db.session.execute(delete(Enterprise).where(Enterprise.name.like("%二号%")))
        db.session.commit()
        fts_is_consistent()
    assert search(client, "批量导入") == ["锦州批量导入一号有限公司"]


def test_search_on_sqlite_reads_the_trigram_table(app, firms):
    """The name condition of a search of three characters or more goes through the FTS5 table."""
    from registry.enterprises.filters import name_contains

    with app.test_request_context():
        sql = str(select(Enterprise.id).where(name_contains("金田塑")).compile(db.engine))
        if db.engine.dialect.name == "sqlite":
            assert f"{FTS_TABLE} MATCH" in sql
            assert "LIKE" not in sql
        else:
            assert "LIKE" in sql  # answered by the pg_trgm index (see test_query_plans)
        assert FTS_TABLE not in str(select(Enterprise.id).where(name_contains("金田")).compile(db.engine))
