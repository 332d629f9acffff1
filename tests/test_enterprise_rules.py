"""Each input rule of an enterprise (DESIGN.md §7): refused with a Chinese message naming the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from registry.enterprises.services import ENTERPRISE
from registry.extensions import db
from registry.models import Enterprise, Town
from registry.records import writer
from registry.records.errors import ValidationFailed

from .factories import make_tag, make_town, uscc


@pytest.fixture
def town(ctx):
    town = make_town()
    make_tag()
    db.session.commit()
    return town


def attempt(town, **changes):
    data = {
        "name": "盘锦规则测试有限公司",
        "uscc": uscc(),
        "legal_form": "company",
        "town_id": town.id,
    } | changes
    return writer.create(ENTERPRISE, None, data)


CASES = [
    ("name", {"name": ""}, "企业名称：不能为空"),
    ("name", {"name": "   "}, "企业名称：不能为空"),
    ("name", {"name": "名" * 201}, "企业名称：不能超过200个字符"),
    ("name", {"name": "坏\x07名称"}, "企业名称：含有不允许的控制字符"),
    ("uscc", {"uscc": "91440101MA5CJQ4N5"}, "应为18位"),
    ("uscc", {"uscc": "91440101MA5CJQ4NS9"}, "不允许"),
    ("uscc", {"uscc": "914403001922038217"}, "校验码错误"),
    ("uscc", {"uscc": ""}, "统一社会信用代码：已注册的主体必须填写"),
    ("uscc", {"legal_form": "team"}, "创业团队(未注册)没有统一社会信用代码"),
    ("legal_form", {"legal_form": "partnership"}, "主体类型：“partnership”不是可选值"),
    ("town_id", {"town_id": ""}, "所在镇街：不能为空"),
    ("town_id", {"town_id": "999999"}, "所在镇街：所选记录不存在或已归档"),
    ("town_id", {"town_id": "abc"}, "所在镇街：未找到“abc”"),
    ("industry", {"industry": "Z"}, "行业门类：“Z”不是可选值"),
    ("established_on", {"established_on": "2021-02-30"}, "成立日期：不是有效的日期"),
    ("established_on", {"established_on": "yesterday"}, "成立日期：应为日期"),
    (
        "established_on",
        {"established_on": (date.today() + timedelta(days=1)).isoformat()},
        "成立日期：不能晚于今天",
    ),
    ("registered_capital_wan", {"registered_capital_wan": "100.123"}, "注册资本(万元)：最多保留2位小数"),
    ("registered_capital_wan", {"registered_capital_wan": "-5"}, "注册资本(万元)：不能为负数"),
    ("employees", {"employees": "-1"}, "从业人数：不能小于0"),
    ("employees", {"employees": "1.5"}, "从业人数：应为整数"),
    ("rd_staff", {"employees": "5", "rd_staff": "6"}, "研发人员数：不能多于从业人数"),
    ("founder_groups", {"founder_groups": ["veteran", "alien"]}, "创业者群体：“alien”不是可选值"),
    ("tags", {"tags": ["no-such-tag"]}, "标签：“no-such-tag”不存在"),
    ("high_value_ip_count", {"high_value_ip_count": "-2"}, "高价值知识产权数：不能小于0"),
    ("contact_phone", {"contact_phone": "1" * 31}, "联系电话：不能超过30个字符"),
]


@pytest.mark.parametrize(
    ("field", "changes", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_refuses_bad_input_with_a_message_naming_the_field(town, field, changes, message):
    with pytest.raises(ValidationFailed) as refused:
        attempt(town, **changes)
    assert field in refused.value.errors
    assert any(message in text for text in refused.value.errors[field]), refused.value.errors[field]
    assert db.session.scalar(db.select(db.func.count()).select_from(Enterprise)) == 0


def test_an_archived_town_cannot_be_chosen(town):
    db.session.get(Town, town.id).archived_at = date(2021, 1, 1)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        attempt(town)
    assert "town_id" in refused.value.errors


def test_input_is_normalised_on_the_way_in(town):
    code = uscc()
    record = attempt(
        town,
        name="  盘锦　金田塑業(yè)有限公司 ",
        uscc=f" {code.lower()} ",
        employees="１,２００",
        registered_capital_wan="1,000.5",
        established_on="2021年7月31日",
        founder_groups="veteran, woman",
        tags="kechuang-china",
    )
    assert record.name == "盘锦 金田塑業有限公司"
    assert record.name_key == "盘锦金田塑业有限公司"
    assert record.uscc == code
    assert record.employees == 1200
    assert str(record.registered_capital_wan) == "1000.50"
    assert record.established_on == date(2021, 7, 31)
    assert record.founder_groups == ["veteran", "woman"]
    assert [t.code for t in record.tags] == ["kechuang-china"]


def test_a_team_needs_no_uscc(town):
    record = attempt(town, legal_form="team", uscc="", name="“稻田蟹”电商创业团队")
    assert record.uscc is None and record.legal_form == "team"
