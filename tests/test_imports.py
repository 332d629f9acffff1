"""Import rules through the same services, all-or-nothing commits and deduplication."""

from __future__ import annotations

from sqlalchemy import select

from registry.extensions import db
from registry.models import Certification, ChangeLog, Enterprise, Tenancy

from .factories import make_enterprise, make_incubator, uscc
from .import_helpers import (
    HEADERS,
    count,
    csv_bytes,
    preview,
    xlsx,
)


# ---- rules, errors, all or nothing ------------------------------------------------------------------------
def test_errors_are_reported_as_row_column_reason_and_nothing_is_written(town):
    rows = [["甲公司", uscc(), "企业", "太平街道", "3"], ["", "914403001922038217", "合伙", "月球", "-1"]]
    result = preview(xlsx(rows), commit=True)
    lines = result.error_lines()
    assert "第3行 企业名称：不能为空" in lines
    assert any(line.startswith("第3行 统一社会信用代码：") and "校验码错误" in line for line in lines)
    assert "第3行 主体类型：“合伙”不是可选值" in lines
    assert "第3行 所在镇街：未找到“月球”" in lines
    assert "第3行 从业人数：不能小于0" in lines
    assert (result.created, result.error_count, result.written) == (1, 1, False)
    assert count(Enterprise) == 0


def test_valid_only_imports_the_good_rows(town):
    rows = [["甲公司", uscc(), "企业", "太平街道", "3"], ["乙公司", "bad", "企业", "太平街道", "3"]]
    result = preview(xlsx(rows), commit=True, valid_only=True)
    assert result.written and result.created == 1 and result.error_count == 1
    assert db.session.scalars(select(Enterprise.name)).all() == ["甲公司"]


def test_one_failure_near_the_end_of_ten_thousand_rows_leaves_everything_as_it_was(town):
    rows = [[f"批量企业{i}", "", "创业团队(未注册)", "太平街道", "1"] for i in range(10_000)]
    rows[9_998][4] = "很多"
    result = preview(csv_bytes(rows), "企业.csv", commit=True)
    assert result.error_lines() == ["第10000行 从业人数：应为整数"]
    assert result.created == 9_999 and not result.written
    assert count(Enterprise) == 0 and count(ChangeLog) == 0


def test_a_database_conflict_in_one_row_does_not_spoil_the_others(town):
    """Two new firms with one USCC in a file: the second fails at the database, the rest are checked."""
    code = uscc()
    rows = [
        ["甲公司", code, "企业", "太平街道", "1"],
        ["乙公司", code, "企业", "太平街道", "1"],
        ["丙公司", uscc(), "企业", "太平街道", "1"],
    ]
    result = preview(xlsx(rows), commit=True, valid_only=True)
    assert result.created == 2 and result.matches and result.matches[0].reason == "file"
    assert sorted(db.session.scalars(select(Enterprise.name))) == ["丙公司", "甲公司"]


# ---- deduplication -------------------------------------------------------------------------------------
def test_matches_existing_firms_by_uscc_and_by_name_and_creates_no_duplicate(town):
    jintian = make_enterprise(name="盘锦金田塑业有限公司", town=town, employees=100)
    kaiwei = make_enterprise(name="辽宁开味食品有限公司", town=town)
    db.session.commit()
    full_width = kaiwei.uscc.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    rows = [
        [
            "盘锦金田塑業(yè)有限公司",
            "",
            "企业",
            "太平街道",
            "150",
        ],  # by name: traditional script and a gloss
        ["遼寧開味食品有限公司", full_width, "企业", "太平街道", ""],  # by full-width USCC
        ["新公司", uscc(), "企业", "太平街道", "5"],
        ["新 公司", "", "创业团队(未注册)", "太平街道", "5"],  # the row above again, in the file
    ]
    result = preview(xlsx(rows), commit=True)
    reasons = {(m.row, m.reason, m.decision) for m in result.matches}
    assert reasons == {(2, "name", "update"), (3, "uscc", "update"), (5, "file", "reject")}
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 1, 1, 1)
    assert count(Enterprise) == 3
    assert db.session.get(Enterprise, jintian.id).employees == 150


def test_the_user_may_reject_a_match(town):
    firm = make_enterprise(name="盘锦金田塑业有限公司", town=town, employees=100)
    db.session.commit()
    result = preview(
        xlsx([["盘锦金田塑業有限公司", "", "企业", "太平街道", "7"]]), commit=True, decisions={2: "reject"}
    )
    assert result.rejected == 1 and db.session.get(Enterprise, firm.id).employees == 100


def test_a_namesake_with_another_uscc_is_not_merged(town):
    make_enterprise(name="盘锦金田塑业有限公司", town=town)
    db.session.commit()
    result = preview(xlsx([["盘锦金田塑业有限公司", uscc(), "企业", "太平街道", "7"]]), commit=True)
    assert result.matches == [] and result.created == 1


def test_rows_reference_other_records_by_natural_key(town):
    firm = make_enterprise(name="大禹防水", town=town)
    db.session.commit()
    headers = ["企业", "资质类别", "级别", "状态", "认定日期", "批次", "重点支持“小巨人”"]
    content = xlsx(
        [[firm.name, "专精特新“小巨人”企业", "国家级", "已认定", "2019-06-06", "1", "是"]],
        headers=headers,
        title="资质认定",
    )
    result = preview(content, "资质.xlsx", "certifications", commit=True)
    assert result.error_lines() == []
    cert = db.session.scalar(select(Certification))
    assert (cert.kind, cert.level, cert.key_support, str(cert.valid_until)) == (
        "little_giant",
        "national",
        True,
        "2022-06-05",
    )


def test_an_id_column_updates_that_record(town):
    stay = make_incubator(town=town)
    firm = make_enterprise(town=town)
    db.session.commit()
    first = preview(
        xlsx(
            [[stay.name, firm.uscc, "2021-03-01"]], headers=["孵化载体", "入孵企业", "入驻日期"], title="入孵"
        ),
        "入孵.xlsx",
        "tenancies",
        commit=True,
    )
    tenancy_id = db.session.scalar(select(Tenancy.id))
    assert first.created == 1
    second = preview(
        xlsx([[tenancy_id, "2021-06-30", "毕业"]], headers=["编号", "离孵日期", "离孵原因"], title="入孵"),
        "入孵.xlsx",
        "tenancies",
        commit=True,
    )
    assert second.updated == 1 and db.session.get(Tenancy, tenancy_id).exit_reason == "graduated"


# ---- the batched path ------------------------------------------------------------------------------------
def test_a_file_match_kept_as_an_update_changes_the_firm_an_earlier_row_created(town):
    """The earlier row's firm is still waiting in the batch when the later row needs its id."""
    rows = [
        ["新公司", "", "创业团队(未注册)", "太平街道", "5"],
        ["新 公司", "", "创业团队(未注册)", "太平街道", "9"],
    ]
    result = preview(xlsx(rows), commit=True, decisions={3: "update"})
    assert (result.created, result.updated, result.error_count) == (1, 1, 0)
    firm = db.session.scalar(select(Enterprise))
    assert firm.employees == 9 and result.matches[0].target_id == firm.id
    actions = db.session.scalars(select(ChangeLog.action).where(ChangeLog.object_id == firm.id)).all()
    assert sorted(actions) == ["create", "update"]


def test_a_batch_broken_at_its_insert_is_redone_row_by_row_with_the_errors_of_single_rows(town):
    """Row 3 gives an existing firm the USCC row 2 is creating: only the database sees the clash."""
    other = make_enterprise(name="乙公司", town=town)
    db.session.commit()
    code = uscc()
    content = xlsx(
        [["", "甲公司", code, "企业", "太平街道", "1"], [other.id, "乙公司", code, "企业", "太平街道", "2"]],
        headers=["编号", *HEADERS],
    )
    result = preview(content, commit=True, valid_only=True)
    assert result.created == 1 and result.error_rows == {3}
    assert "该代码已登记为“甲公司”" in result.error_lines()[0]
    assert db.session.get(Enterprise, other.id).uscc != code
    assert db.session.scalar(select(Enterprise.name).where(Enterprise.uscc == code)) == "甲公司"


def test_each_new_firm_gets_its_own_change_log_row_under_the_import_request(town):
    rows = [[f"批量企业{i}", "", "创业团队(未注册)", "太平街道", str(i)] for i in range(1200)]
    result = preview(csv_bytes(rows), "企业.csv", commit=True)
    assert result.created == 1200
    logged = db.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.action == "create", ChangeLog.request_id == result.request_id)
        .order_by(ChangeLog.object_id)
    ).all()
    firms = db.session.execute(select(Enterprise.id, Enterprise.employees).order_by(Enterprise.id)).all()
    assert [(log.object_id, log.changes["employees"][1]) for log in logged] == [tuple(f) for f in firms]
    assert all(log.at is not None and log.user_name == "系统" and log.label for log in logged)


def test_reading_a_batch_costs_the_same_few_queries_whatever_its_length(town, count_statements):
    """Towns, tags and existing firms are looked up once per batch, not once per row."""

    def selects(n: int) -> int:
        rows = [[f"批量企业{i}", uscc(), "企业", "太平街道", "1"] for i in range(n)]
        with count_statements() as counter:
            preview(csv_bytes(rows), "企业.csv")
        return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    assert selects(20) == selects(400) <= 6
