"""A batch of new firms is written as rows (records/inserts.py): the same rows, spans and change-log entries a
single create writes, ids that follow the registry's, and nothing at all when the import is not kept."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import select, text

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.imports.run import Decisions, ImportRun
from registry.imports.spec import BY_NAME
from registry.models import ChangeLog, Enterprise, EnterpriseIpSpan, EnterpriseTagSpan
from registry.models.enterprises import EnterpriseFounderGroup, enterprise_tags
from registry.records import writer

from .factories import make_tag, make_user, uscc
from .import_helpers import HEADERS, count, csv_bytes, preview

FULL = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "行业门类", "成立日期", "注册资本(万元)"]
FULL += ["从业人数", "研发人员数", "创业者群体", "标签", "高价值知识产权数", "备注"]


@pytest.fixture
def bureau(town):
    make_tag()
    make_tag("gaoqi", "高新技术企业")
    db.session.commit()
    user = make_user("sb", ["science_bureau"], display_name="科技局 王科长")
    db.session.commit()
    return user


def _import(user, rows, headers=FULL, **decisions):
    run = ImportRun.open(
        BY_NAME["enterprises"], user, csv_bytes(rows, headers), "企业.csv", decisions=Decisions(**decisions)
    )
    return run.commit()


def _stored(firm_id: int) -> dict:
    """Everything the database holds of a firm but its own identity (id, name, code, times)."""
    firm = db.session.get(Enterprise, firm_id)
    own = {"id", "name", "name_key", "uscc", "created_at", "updated_at"}
    columns = {c.key: getattr(firm, c.key) for c in Enterprise.__table__.columns if c.key not in own}
    spans = {
        "ip": db.session.execute(
            select(EnterpriseIpSpan.value, EnterpriseIpSpan.valid_from, EnterpriseIpSpan.valid_to).where(
                EnterpriseIpSpan.enterprise_id == firm_id
            )
        ).all(),
        "tags": db.session.execute(
            select(EnterpriseTagSpan.tag_id, EnterpriseTagSpan.valid_from, EnterpriseTagSpan.valid_to)
            .where(EnterpriseTagSpan.enterprise_id == firm_id)
            .order_by(EnterpriseTagSpan.tag_id)
        ).all(),
        "groups": db.session.scalars(
            select(EnterpriseFounderGroup.founder_group)
            .where(EnterpriseFounderGroup.enterprise_id == firm_id)
            .order_by(EnterpriseFounderGroup.founder_group)
        ).all(),
        "tag_links": db.session.scalars(
            select(enterprise_tags.c.tag_id)
            .where(enterprise_tags.c.enterprise_id == firm_id)
            .order_by(enterprise_tags.c.tag_id)
        ).all(),
    }
    entry = db.session.scalar(select(ChangeLog).where(ChangeLog.object_id == firm_id))
    changes = {k: v for k, v in entry.changes.items() if k not in ("name", "uscc")}
    logged = (entry.action, entry.object_type, entry.enterprise_id == firm_id, entry.user_id, entry.user_name)
    return columns | spans | {"changes": changes, "logged": logged}


def test_an_imported_firm_is_stored_exactly_as_the_form_stores_it(bureau):
    row = ["甲公司", uscc(), "企业", "太平街道", "C", "2021-03-01", "500", "20", "3", "女性,退役军人"]
    row += ["kechuang-china,gaoqi", "2", "备注"]
    result = _import(bureau, [row])
    assert (result.created, result.error_count, result.written) == (1, 0, True)
    imported = db.session.scalar(select(Enterprise.id).where(Enterprise.name == "甲公司"))
    data = {"name": "乙公司", "uscc": uscc(), "legal_form": "company", "town_id": "太平街道", "industry": "C"}
    data |= {"established_on": "2021-03-01", "registered_capital_wan": "500", "employees": "20"}
    data |= {"rd_staff": "3", "founder_groups": ["woman", "veteran"], "tags": ["gaoqi", "kechuang-china"]}
    data |= {"high_value_ip_count": "2", "notes": "备注"}
    single = writer.create(ENTERPRISE, bureau, data).id
    db.session.expire_all()
    stored = _stored(imported)
    assert stored == _stored(single)
    assert stored["version"] == 1 and stored["legal_form"] == "company" and len(stored["tags"]) == 2
    assert stored["logged"] == ("create", "enterprise", True, bureau.id, "科技局 王科长")


def test_each_firm_of_a_batch_has_its_change_log_entry_under_the_importing_user(bureau):
    rows = [[f"批量企业{i}", uscc(), "企业", "太平街道", str(i)] for i in range(1, 1101)]
    result = _import(bureau, rows, HEADERS)
    assert result.created == 1100
    firms = dict(db.session.execute(select(Enterprise.id, Enterprise.employees)).all())
    entries = db.session.scalars(select(ChangeLog).where(ChangeLog.action == "create")).all()
    assert sorted(e.object_id for e in entries) == sorted(firms)
    for entry in entries:
        assert entry.changes["employees"] == [None, firms[entry.object_id]]
        assert (entry.user_id, entry.user_name) == (bureau.id, "科技局 王科长")
        assert entry.enterprise_id == entry.object_id
        assert entry.request_id == result.request_id and entry.label.startswith("批量企业")
    # Every firm with its spans from its first day on, the dated fields' histories as a create leaves them.
    held = db.session.scalars(select(EnterpriseIpSpan.enterprise_id).order_by(EnterpriseIpSpan.enterprise_id))
    assert list(held) == sorted(firms)


def test_the_ids_a_batch_gives_follow_the_registrys_and_later_writes_follow_them(bureau):
    first = writer.create(
        ENTERPRISE,
        bureau,
        {"name": "先有公司", "uscc": uscc(), "legal_form": "company", "town_id": "太平街道"},
    )
    rows = [[f"批量企业{i}", uscc(), "企业", "太平街道", "1"] for i in range(3)]
    _import(bureau, rows, HEADERS)
    later = writer.create(
        ENTERPRISE,
        bureau,
        {"name": "后来公司", "uscc": uscc(), "legal_form": "company", "town_id": "太平街道"},
    )
    ids = db.session.scalars(select(Enterprise.id).order_by(Enterprise.id)).all()
    assert ids[0] == first.id and ids[-1] == later.id and len(set(ids)) == 5
    assert ids[1:4] == list(range(ids[1], ids[1] + 3))  # the batch's three, in the file's order
    names = db.session.scalars(select(Enterprise.name).order_by(Enterprise.id)).all()
    assert names[1:4] == ["批量企业0", "批量企业1", "批量企业2"]


def test_one_row_in_error_writes_nothing_of_the_others_and_is_reported(bureau):
    rows = [[f"批量企业{i}", uscc(), "企业", "太平街道", "1"] for i in range(700)]
    rows[600][1] = "bad"  # in the second batch, after a whole first batch was inserted
    result = _import(bureau, rows, HEADERS)
    assert (result.created, result.error_rows, result.written) == (699, {602}, False)
    assert any(line.startswith("第602行 统一社会信用代码：") for line in result.error_lines())
    for model in (Enterprise, EnterpriseIpSpan, ChangeLog, EnterpriseFounderGroup):
        assert count(model) == 0


def test_a_batch_that_breaks_a_constraint_leaves_none_of_its_rows_behind(bureau):
    """Row 3 gives an existing firm the code row 2 creates, which only the batch's INSERT sees: the batch
    is undone and redone row by row, and the firm row 2 creates is there once, with one history and one
    change-log entry."""
    other = writer.create(
        ENTERPRISE, bureau, {"name": "乙公司", "uscc": uscc(), "legal_form": "company", "town_id": "太平街道"}
    )
    code = uscc()
    rows = [
        ["", "甲公司", code, "企业", "太平街道", "1"],
        [other.id, "乙公司", code, "企业", "太平街道", "2"],
    ]
    result = _import(bureau, rows, ["编号", *HEADERS], valid_only=True)
    assert (result.created, result.error_rows, result.written) == (1, {3}, True)
    firm = db.session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    assert firm.name == "甲公司" and count(Enterprise) == 2
    assert db.session.scalars(select(EnterpriseIpSpan.enterprise_id)).all() == [other.id, firm.id]
    created = db.session.scalars(select(ChangeLog.object_id).where(ChangeLog.action == "create")).all()
    assert sorted(created) == [other.id, firm.id]


def test_the_garbage_collector_is_left_as_it_was_after_an_import_even_a_failed_one(town):
    frozen, threshold = gc.get_freeze_count(), gc.get_threshold()
    preview(csv_bytes([["甲公司", uscc(), "企业", "太平街道", "1"]]), "企业.csv", commit=True)
    assert gc.get_freeze_count() == frozen and gc.get_threshold() == threshold

    def cancel(_row):
        raise KeyboardInterrupt

    rows = [[f"乙公司{i}", uscc(), "企业", "太平街道", "1"] for i in range(600)]
    run = ImportRun.open(BY_NAME["enterprises"], None, csv_bytes(rows), "企业.csv")
    with pytest.raises(KeyboardInterrupt):
        run.commit(cancel)
    assert gc.get_freeze_count() == frozen and gc.get_threshold() == threshold
    assert count(Enterprise) == 1


def test_an_import_plans_each_of_its_statements_afresh_on_postgresql(bureau, count_statements):
    """PostgreSQL: the import's transaction plans every statement with the tables as they have grown (a
    prepared statement's generic plan, made while they were small, would scan them); nothing is asked of
    SQLite, which has no such setting."""
    rows = [[f"批量企业{i}", uscc(), "企业", "太平街道", "1"] for i in range(3)]
    with count_statements() as counter:
        assert _import(bureau, rows, HEADERS).created == 3
    setting = [s for s in counter.statements if "plan_cache_mode" in s]
    if db.engine.dialect.name == "postgresql":
        assert setting == ["SET LOCAL plan_cache_mode = force_custom_plan"]
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"  # the transaction's own
    else:
        assert setting == []
