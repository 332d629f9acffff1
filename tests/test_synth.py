"""``flask synth``: what it adds agrees with the registry's own counting, and its bulk load leaves the database
as the app expects it (the name search current and its triggers in place; SQLite's PRAGMAs as configured)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from registry.extensions import db
from registry.models import Enterprise, EnterpriseTagSpan, Incubator, PledgeLoan, Tag, Town, enterprise_tags
from registry.reports import indicators as ind
from registry.synth import generate

from . import factories

QUIET = {"echo": lambda *a, **k: None}
END = date(2026, 12, 31)


def test_counts_agree_with_the_indicators(ctx):
    counts = generate(400, 5, **QUIET)
    values = ind.values(ind.all_indicators(), date(2000, 1, 1), END)

    assert counts["enterprises"] == db.session.scalar(select(func.count()).select_from(Enterprise)) == 400
    assert values["ip_pledge.loans"] == counts["pledge_loans"] > 0
    assert values["incubation.incubators"] == counts["incubators"] > 0
    # The dated fields read through their spans: the firms holding each tag and those with high-value IP
    # today are the ones whose current values say so.
    holding_ip = select(func.count()).where(Enterprise.high_value_ip_count > 0)
    assert values["ip_pledge.high_value_ip_enterprises"] == db.session.scalar(holding_ip) > 0
    for tag in db.session.scalars(select(Tag)):
        held = select(func.count()).select_from(enterprise_tags).where(enterprise_tags.c.tag_id == tag.id)
        assert values[f"tags.{tag.code}"] == db.session.scalar(held) > 0
    assert db.session.scalar(select(func.count()).select_from(EnterpriseTagSpan)) == db.session.scalar(
        select(func.count()).select_from(enterprise_tags)
    )


def test_a_second_run_adds_to_the_first_and_is_deterministic(ctx):
    first = generate(50, 9, **QUIET)
    names = list(db.session.scalars(select(Enterprise.name).order_by(Enterprise.id)))
    second = generate(50, 9, **QUIET)

    assert first == second
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 100
    assert list(db.session.scalars(select(Enterprise.name).order_by(Enterprise.id).offset(50))) == names
    assert db.session.scalar(select(func.count()).select_from(Town)) == 60  # the towns are made once
    assert db.session.scalar(select(func.count()).select_from(PledgeLoan)) == 2 * first["pledge_loans"]
    assert db.session.scalar(select(func.count()).select_from(Incubator)) == 2 * first["incubators"]


def test_the_name_search_finds_synthetic_firms_and_firms_added_after(app, client, auth):
    with app.app_context():
        generate(200, 3, **QUIET)
        name = db.session.scalar(select(Enterprise.name).order_by(Enterprise.id).offset(17))
    auth.login()

    found = client.get("/api/v1/enterprises", query_string={"q": name[2:6]}).get_json()["items"]
    assert name in [item["name"] for item in found]

    # the search's triggers are back after the load: a firm written afterwards is found too
    with app.app_context():
        town = db.session.scalar(select(Town).order_by(Town.id))
        factories.make_enterprise(name="盘锦琥珀湾科技有限公司", town=town)
        db.session.commit()
    found = client.get("/api/v1/enterprises", query_string={"q": "琥珀湾"}).get_json()["items"]
    assert [item["name"] for item in found] == ["盘锦琥珀湾科技有限公司"]


def test_the_load_connection_leaves_the_pool_with_the_app_settings(ctx):
    generate(20, 1, **QUIET)
    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        triggers = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'enterprises_fts%'")
        ).scalar()
        assert triggers == 3
