"""An import is an ImportRun: its spec (with the kind's matcher), column mapping, user, decisions and result."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.imports import store
from registry.imports.matching import UPDATE, FirmMatcher, Match, Matcher
from registry.imports.run import Decisions, ImportRun, Mapping
from registry.imports.service import FileError
from registry.imports.spec import BY_NAME, ID_COLUMN
from registry.models import Enterprise, Town

from .factories import uscc
from .import_helpers import HEADERS, count, xlsx

TOWN_HEADERS = ["代码", "名称"]


class TownsByName(Matcher):
    """A kind matched by name, declared only here: nothing in the run knows about it."""

    def find(self, number, data, decisions):
        town = db.session.scalar(select(Town).where(Town.name == data.get("name")))
        if town is None:
            return None
        return Match(number, town.name, "name", town.name, town.id, decisions.get(number, UPDATE))


def towns_file() -> bytes:
    return xlsx([["taiping2", "太平街道"], ["gaosheng", "高升街道"]], headers=TOWN_HEADERS, title="镇街")


def test_a_kinds_matching_is_the_matcher_slot_of_its_spec(town):
    plain = BY_NAME["towns"]
    assert plain.matcher is Matcher and BY_NAME["enterprises"].matcher is FirmMatcher
    by_name = replace(plain, matcher=TownsByName)

    unmatched = ImportRun.open(plain, None, towns_file(), "镇街.xlsx").preview()
    assert unmatched.matches == [] and unmatched.updated == 0

    run = ImportRun.open(by_name, None, towns_file(), "镇街.xlsx")
    result = run.commit()
    assert result.written and (result.created, result.updated) == (1, 1)
    assert [(m.row, m.reason, m.target_id, m.decision) for m in result.matches] == [
        (2, "name", town.id, UPDATE)
    ]
    assert db.session.get(Town, town.id).code == "taiping2"
    assert count(Town) == 2

    rejected = ImportRun.open(by_name, None, towns_file(), "镇街.xlsx", decisions=Decisions({2: "reject"}))
    assert (rejected.preview().rejected, rejected.result.created) == (1, 0)  # 高升街道 exists now: matched


def test_an_import_run_exposes_its_mapping_decisions_and_result(town):
    rows = [
        ["甲科技有限公司", uscc(), "企业", "太平街道", "3"],
        ["乙科技有限公司", "bad", "企业", "太平街道", "4"],
    ]
    decisions = Decisions({3: "reject"}, valid_only=True)
    run = ImportRun.open(BY_NAME["enterprises"], None, xlsx(rows), "企业.xlsx", decisions=decisions)

    assert run.mapping.columns == ("name", "uscc", "legal_form", "town_id", "employees")
    assert run.mapping.where()["town_id"] == 3 and not run.mapping.has_id
    assert run.decisions is decisions and run.result is None
    assert (run.sheet, run.headers) == ("企业", HEADERS)

    result = run.preview()
    assert run.result is result and not result.written
    assert (result.created, result.error_count) == (1, 1) and count(Enterprise) == 0
    [(number, cells, messages)] = run.error_rows()
    assert number == 3 and cells[0] == "乙科技有限公司" and "统一社会信用代码" in messages[0]

    assert run.commit().written and count(Enterprise) == 1  # valid only: the good row


def test_a_run_reads_the_file_through_the_mapping_it_is_given(town):
    """Headers the resolution refuses (a county's own 所属镇街, a column to leave out) are read as the
    mapping given says."""
    headers = ["企业名称", "统一社会信用代码", "主体类型", "所属镇街", "从业人数", "填表人"]
    content = xlsx([["丙科技有限公司", uscc(), "企业", "太平街道", "3", "张三"]], headers=headers)
    with pytest.raises(FileError):
        ImportRun.open(BY_NAME["enterprises"], None, content, "企业.xlsx")

    mapping = Mapping(("name", "uscc", "legal_form", "town_id", "employees", None))
    run = ImportRun.open(BY_NAME["enterprises"], None, content, "企业.xlsx", mapping=mapping)
    assert run.commit().written and run.result.created == 1
    assert db.session.scalar(select(Enterprise.town_id)) == town.id

    for refused in [(None,) * 6, ("name", "uscc", "legal_form", "town_id", "name", None), ("nope",)]:
        with pytest.raises(FileError):  # a required field left out, a field twice, a field not of the kind
            ImportRun.open(BY_NAME["enterprises"], None, content, "企业.xlsx", mapping=Mapping(refused))
    with_id = Mapping((ID_COLUMN, None, None, None, "employees", None))
    assert ImportRun.open(BY_NAME["enterprises"], None, content, "企业.xlsx", mapping=with_id).mapping.has_id


def test_a_kept_run_keeps_its_mapping_and_the_rows_in_error(town, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(tmp_path / "imports"))
    content = xlsx([["丁科技有限公司", "bad", "企业", "太平街道", "3"]])
    run = ImportRun.open(BY_NAME["enterprises"], None, content, "企业.xlsx")
    run.preview()

    token = store.save(run)
    kept, facts = store.load(token, None)
    assert kept == content and facts["kind"] == "enterprises"
    assert store.mapping(facts) == run.mapping
    assert store.load_errors(token) == run.result.errors and run.result.errors
