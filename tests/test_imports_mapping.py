"""Files with a county's own headers: each column's field guessed from its header and its values, confirmed
on the mapping page (and remembered for the next file with the same headers) or named with --map."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.imports import guess
from registry.imports.run import Columns, ImportRun, Mapping
from registry.imports.service import FileError
from registry.imports.spec import BY_NAME, COMMON_SYNONYMS, SPECS, SYNONYMS
from registry.models import Enterprise, ImportMapping
from registry.records import catalog

from .factories import make_town, uscc
from .import_helpers import count, upload, xlsx

ENTERPRISES = BY_NAME["enterprises"]
# A county's spreadsheet: its own headers, a row-number column and one the registry has no field for.
COUNTY = [
    "序号",
    "企业名称",
    "社会信用代码",
    "企业类型",
    "所属镇街",
    "成立时间",
    "注册资本（万元）",
    "职工人数",
    "联系人",
    "手机",
    "填表人",
]


def county_rows(*names: str) -> list[list]:
    return [
        [n, name, uscc(), "企业", "高升街道", "2020年3月1日", "500", "12", "王五", "13800000000", "张三"]
        for n, name in enumerate(names, start=1)
    ]


def columns_of(content: bytes, spec=ENTERPRISES) -> Columns:
    return Columns.read(spec, content, "县里的表.xlsx")


@pytest.fixture
def towns(ctx):
    found = [make_town(name="太平街道", code="taiping"), make_town(name="高升街道", code="gaosheng")]
    db.session.commit()
    return found


# ---- normalising and guessing --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("注册资本（万元）", "注册资本"),
        ("注册资本(万元)", "注册资本"),
        ("注册资本（单位：万元）", "注册资本"),
        ("镇（街道）", "镇街道"),
        (" 企业 名称 ", "企业名称"),
        ("*统一社会信用代码", "统一社会信用代码"),
        ("ＵＳＣＣ", "uscc"),
        ("面积（㎡）", "面积"),
    ],
)
def test_headers_compare_without_spaces_brackets_and_units(one, other):
    assert guess.normalise(one) == guess.normalise(other)


def test_headers_that_differ_in_words_stay_different():
    assert guess.normalise("企业（单位）名称") != guess.normalise("企业名称")
    assert guess.normalise("镇（街道）") != guess.normalise("镇")


def test_a_countys_headers_are_guessed_from_the_declared_synonyms(towns):
    found = guess.for_file(ENTERPRISES, columns_of(xlsx(county_rows("甲科技有限公司"), headers=COUNTY)))
    assert found.mapping.columns == (
        None,
        "name",
        "uscc",
        "legal_form",
        "town_id",
        "established_on",
        "registered_capital_wan",
        "employees",
        "contact_name",
        "contact_phone",
        None,
    )
    assert (found.sources[1], found.sources[8]) == (guess.TEMPLATE, guess.TEMPLATE)  # 企业名称, 联系人
    assert {found.sources[i] for i in (2, 3, 4, 5, 6, 7, 9)} == {guess.SYNONYM}
    assert found.sources[0] == guess.SYNONYM  # 序号: a column of row numbers, left out knowingly
    assert found.unrecognised == [10]  # 填表人: nothing says what it holds


def test_more_spellings_of_the_same_fields(towns):
    headers = ["企业（单位）名称", "统一代码", "主体类型", "镇（街道）", "注册日期", "从业人员", "联系电话"]
    content = xlsx([["乙科技有限公司", uscc(), "企业", "太平街道", "2021-01-01", "3", "1"]], headers=headers)
    found = guess.for_file(ENTERPRISES, columns_of(content))
    assert found.mapping.columns == (
        "name",
        "uscc",
        "legal_form",
        "town_id",
        "established_on",
        "employees",
        "contact_phone",
    )
    assert found.sources[2] == guess.TEMPLATE and found.sources[0] == guess.SYNONYM


def test_a_header_that_ends_with_a_fields_name_names_it(towns):
    headers = ["企业名称", "主体类型", "所在镇街", "企业成立日期", "企业联系人电话"]
    content = xlsx([["丙公司", "企业", "太平街道", "2021-01-01", "1"]], headers=headers)
    found = guess.for_file(ENTERPRISES, columns_of(content))
    assert found.mapping.columns[3:] == ("established_on", "contact_phone")


def test_the_values_say_a_column_holds_usccs_or_towns(towns):
    headers = ["企业名称", "代码", "主体类型", "地区"]
    rows = [
        ["甲公司", uscc(), "企业", "太平街道"],
        ["乙公司", uscc(), "企业", "高升街道"],
        ["丙公司", "", "企业", "taiping"],
    ]
    found = guess.for_file(ENTERPRISES, columns_of(xlsx(rows, headers=headers)))
    assert found.mapping.columns == ("name", "uscc", "legal_form", "town_id")
    assert (found.sources[1], found.sources[3]) == (guess.VALUES, guess.VALUES)


def test_codes_that_fail_the_check_or_unknown_places_say_nothing(towns):
    code = uscc()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    headers = ["企业名称", "代码", "主体类型", "所在镇街", "地区"]
    rows = [["甲公司", bad if n % 2 else uscc(), "企业", "太平街道", "北京市"] for n in range(4)]
    found = guess.for_file(ENTERPRISES, columns_of(xlsx(rows, headers=headers)))
    assert found.mapping.columns[1] is None and found.mapping.columns[4] is None
    assert found.unrecognised == [1, 4]


def test_a_firms_records_take_a_column_of_usccs_as_the_firm(towns):
    spec = BY_NAME["listing_candidates"]
    headers = ["代码", "入库时间", "层级", "拟上市板块"]
    content = xlsx([[uscc(), "2021-01-01", "A", ""]], headers=headers, title="上市后备企业")
    found = guess.for_file(spec, columns_of(content, spec))
    assert found.mapping.columns[:2] == ("enterprise_id", "entered_on")
    assert found.sources[:2] == (guess.VALUES, guess.SYNONYM)


def test_dates_break_ties_between_columns_and_between_fields(towns):
    headers = ["企业名称", "主体类型", "所在镇街", "注册日期", "成立时间"]
    rows = [["甲公司", "企业", "太平街道", "已注册", datetime(2020, 3, 1)]]
    found = guess.for_file(ENTERPRISES, columns_of(xlsx(rows, headers=headers)))
    # Both headers name the date of establishment; the column holding dates fills it.
    assert found.mapping.columns[3:] == (None, "established_on")

    spec = dataclasses.replace(ENTERPRISES, synonyms={"established_on": ("时间",), "contact_name": ("时间",)})
    headers = ["企业名称", "主体类型", "所在镇街", "时间"]
    dated = guess.for_file(spec, columns_of(xlsx([["甲", "企业", "太平街道", "2021/7/31"]], headers=headers)))
    assert dated.mapping.columns[3] == "established_on"
    undated = guess.for_file(spec, columns_of(xlsx([["甲", "企业", "太平街道", "王五"]], headers=headers)))
    assert undated.mapping.columns[3] is None  # two fields, and nothing to choose between them


def test_a_date_column_alone_is_not_guessed(towns):
    headers = ["企业名称", "主体类型", "所在镇街", "某日"]
    found = guess.for_file(
        ENTERPRISES, columns_of(xlsx([["甲", "企业", "太平街道", "2021-07-31"]], headers=headers))
    )
    assert found.mapping.columns[3] is None


def test_a_file_with_no_column_recognised_is_refused_as_before(towns):
    content = xlsx([["x", "y"]], headers=["甲乙", "丙丁"])
    with pytest.raises(FileError, match="无法识别"):
        guess.for_file(ENTERPRISES, columns_of(content))


def test_every_declared_synonym_names_a_field_of_its_kind():
    by_type = {record_type.name: record_type for record_type in catalog.importable()}
    all_fields = {fld.name for spec in SPECS for fld in spec.fields}
    assert set(COMMON_SYNONYMS) <= all_fields
    for type_name, synonyms in SYNONYMS.items():
        assert set(synonyms) <= {fld.name for fld in by_type[type_name].schema.fields}, type_name
    # A header that names two fields of one kind would never be guessed: none is declared so.
    for spec in SPECS:
        seen: dict[str, str] = {}
        for fld in spec.fields:
            for text in spec.synonyms_of(fld):
                key = guess.normalise(text)
                assert seen.setdefault(key, fld.name) == fld.name, (spec.name, text)


# ---- checking a mapping ---------------------------------------------------------------------------------
def test_two_columns_for_one_field_or_a_required_field_left_out_are_refused(towns):
    content = xlsx(county_rows("甲公司"), headers=COUNTY)
    twice = Mapping((None, "name", "uscc", "legal_form", "town_id", None, None, None, None, None, "town_id"))
    with pytest.raises(FileError) as refused:
        ImportRun.open(ENTERPRISES, None, content, "x.xlsx", mapping=twice)
    assert refused.value.message == ("第5列“所属镇街”和第11列“填表人”都对应“所在镇街”：一个字段只能对应一列")
    left_out = Mapping((None, "name", "uscc", "legal_form") + (None,) * 7)
    with pytest.raises(FileError, match="缺少必填列：所在镇街"):
        ImportRun.open(ENTERPRISES, None, content, "x.xlsx", mapping=left_out)
    with pytest.raises(FileError, match="对应的字段“township”不存在"):
        ImportRun.open(ENTERPRISES, None, content, "x.xlsx", mapping=Mapping(("township",) + (None,) * 10))
    assert count(Enterprise) == 0


def test_a_run_opens_through_the_guess_and_writes_the_countys_file(towns):
    content = xlsx(county_rows("甲科技有限公司", "乙科技有限公司"), headers=COUNTY)
    run, found = ImportRun.open_mapped(ENTERPRISES, None, content, "x.xlsx", given=[("填表人", None)])
    assert found.sources[10] == guess.GIVEN and not found.unrecognised
    assert run.commit().written and run.result.created == 2
    firm = db.session.scalar(select(Enterprise).where(Enterprise.name == "甲科技有限公司"))
    assert firm.town.name == "高升街道" and str(firm.established_on) == "2020-03-01"
    assert (firm.registered_capital_wan, firm.employees) == (Decimal("500.00"), 12)
    assert (firm.contact_name, firm.contact_phone, firm.legal_form) == ("王五", "13800000000", "company")


# ---- remembering ----------------------------------------------------------------------------------------
def test_a_remembered_mapping_is_recalled_for_the_same_headers_normalised(towns):
    headers = ["企业名称", "主体类型", "所属镇街", "其他"]
    guess.remember(ENTERPRISES, headers, Mapping(("name", "legal_form", "town_id", "notes")), None)
    guess.remember(ENTERPRISES, headers, Mapping(("name", "legal_form", "town_id", "address")), None)
    assert count(ImportMapping) == 1  # one per kind and headers: the last confirmed
    recalled = guess.recall(ENTERPRISES, [" 企业名称", "主体类型", "所属镇街 ", "其他"])
    assert recalled == Mapping(("name", "legal_form", "town_id", "address"))
    assert guess.recall(BY_NAME["parks"], headers) is None
    assert guess.recall(ENTERPRISES, headers[:3]) is None

    content = xlsx([["甲", "企业", "太平街道", "x"]], headers=headers)
    found = guess.for_file(ENTERPRISES, columns_of(content))
    assert found.remembered and found.mapping.columns[3] == "address"


def test_a_remembered_field_the_kind_no_longer_has_is_guessed_again(towns):
    headers = ["企业名称", "主体类型", "所属镇街", "其他"]
    guess.remember(ENTERPRISES, headers, Mapping(("name", "legal_form", "gone_field", None)), None)
    content = xlsx([["甲", "企业", "太平街道", "x"]], headers=headers)
    found = guess.for_file(ENTERPRISES, columns_of(content))
    assert found.mapping.columns == ("name", "legal_form", "town_id", None)
    assert found.sources == (guess.REMEMBERED, guess.REMEMBERED, guess.SYNONYM, guess.REMEMBERED)


# ---- the web flow ---------------------------------------------------------------------------------------
def chosen_on(page: str) -> dict[str, str]:
    """Each column's select on the mapping page → its selected option (what a user confirming sends)."""
    chosen = {}
    for name, options in re.findall(r'<select[^>]*name="(column_\d+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[name] = selected.group(1) if selected else ""
    return chosen


def token_of(page: str) -> str:
    return re.search(r"/imports/([\w-]+)/mapping", page).group(1)


def test_the_countys_file_goes_through_the_mapping_page(client, auth, app):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    content = xlsx(county_rows("甲科技有限公司", "乙科技有限公司"), headers=COUNTY)
    page = upload(client, content, "县里的表.xlsx").get_data(as_text=True)
    assert "选择各列对应的字段" in page and "无法识别" not in page
    chosen = chosen_on(page)
    assert chosen["column_4"] == "town_id" and chosen["column_2"] == "uscc" and chosen["column_10"] == "-"
    assert "高升街道" in page and "填表人" in page  # the column's first values are shown beside it
    assert "常见列名" in unescape(page) and "未识别" in page
    with app.app_context():
        assert count(Enterprise) == 0 and count(ImportMapping) == 0

    token = token_of(page)
    preview = client.post(f"/imports/{token}/mapping", data=chosen, follow_redirects=True).get_data(
        as_text=True
    )
    assert re.search(r'data-count="created">2<', preview)
    assert "所属镇街 → 所在镇街" in preview and "填表人 → " in preview
    with app.app_context():
        assert count(Enterprise) == 0  # previewed only
        assert count(ImportMapping) == 1  # the confirmed mapping is remembered
    done = client.post(f"/imports/{token}/confirm", data={"token": token}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "已导入" in done
    with app.app_context():
        firms = db.session.scalars(select(Enterprise).order_by(Enterprise.name)).all()
        assert [f.name for f in firms] == ["乙科技有限公司", "甲科技有限公司"]
        assert {f.town.name for f in firms} == {"高升街道"} and {f.employees for f in firms} == {12}


def test_a_confirmed_mapping_is_offered_for_the_next_file_with_the_same_headers(client, auth, app):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    first = upload(client, xlsx(county_rows("甲公司"), headers=COUNTY), "一月.xlsx").get_data(as_text=True)
    chosen = chosen_on(first) | {"column_10": "notes"}  # 填表人 kept as a note, by the user's choice
    client.post(f"/imports/{token_of(first)}/mapping", data=chosen, follow_redirects=True)

    # Next month's file: the same headers, give or take the width of a bracket and a space.
    headers = [*COUNTY[:6], "注册资本(万元)", "职工人数 ", *COUNTY[8:]]
    second = upload(client, xlsx(county_rows("乙公司"), headers=headers), "二月.xlsx").get_data(as_text=True)
    assert "已按上次导入相同列名的文件时确认的对应关系预先选好" in second
    assert chosen_on(second) == chosen
    assert "上次确认的对应" in second


def test_a_bad_mapping_is_refused_on_the_page_and_nothing_is_kept(client, auth, app):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = upload(client, xlsx(county_rows("甲公司"), headers=COUNTY), "县里的表.xlsx").get_data(as_text=True)
    token, chosen = token_of(page), chosen_on(page)

    twice = client.post(
        f"/imports/{token}/mapping", data=chosen | {"column_10": "town_id"}, follow_redirects=True
    )
    text = unescape(twice.get_data(as_text=True))
    assert twice.status_code == 200 and "选择各列对应的字段" in text
    assert "第5列“所属镇街”和第11列“填表人”都对应“所在镇街”" in text
    assert chosen_on(twice.get_data(as_text=True))["column_10"] == "town_id"  # the user's choice stays
    clashing = re.findall(r'<select class="[^"]*is-invalid[^"]*" name="(column_\d+)"', text)
    assert clashing == ["column_4", "column_10"]
    assert "您的选择" in text  # column 11's field is the user's, not a guess

    missing = client.post(f"/imports/{token}/mapping", data=chosen | {"column_4": "-"}, follow_redirects=True)
    assert "缺少必填列：所在镇街" in unescape(missing.get_data(as_text=True))
    forged = client.post(
        f"/imports/{token}/mapping", data=chosen | {"column_3": "<b>x</b>"}, follow_redirects=True
    )
    assert "对应的字段“&lt;b&gt;x&lt;/b&gt;”不存在" in forged.get_data(as_text=True)

    # Confirming the import before the columns are mapped goes back to the mapping page.
    early = client.post(f"/imports/{token}/confirm", data={"token": token})
    assert early.status_code == 302 and early.headers["Location"].endswith(f"/imports/{token}/mapping")
    with app.app_context():
        assert count(Enterprise) == 0 and count(ImportMapping) == 0


def test_the_mapping_page_shows_again_as_chosen(client, auth, app):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = upload(client, xlsx(county_rows("甲公司"), headers=COUNTY), "县里的表.xlsx").get_data(as_text=True)
    token, chosen = token_of(page), chosen_on(page) | {"column_10": "notes"}
    client.post(f"/imports/{token}/mapping", data=chosen, follow_redirects=True)
    again = client.get(f"/imports/{token}/mapping").get_data(as_text=True)
    assert chosen_on(again) == chosen


def test_a_file_with_the_templates_headers_needs_no_mapping_step(client, auth, app):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = upload(client, xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]]), "企业.xlsx").get_data(
        as_text=True
    )
    assert re.search(r'data-count="created">1<', page) and "选择各列对应的字段" not in page
    assert "各列按所选字段读取" not in page
    with app.app_context():
        assert count(ImportMapping) == 0


def test_another_user_cannot_map_my_upload(client, auth, app):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    auth.login("sb", roles=("science_bureau",))
    page = upload(client, xlsx(county_rows("甲公司"), headers=COUNTY), "县里的表.xlsx").get_data(as_text=True)
    token = token_of(page)
    auth.logout()
    auth.login("sb2", roles=("science_bureau",))
    assert client.get(f"/imports/{token}/mapping").status_code == 404
    assert (
        client.post(f"/imports/{token}/mapping", data=chosen_on(page), follow_redirects=True).status_code
        == 404
    )
    with app.app_context():
        assert count(ImportMapping) == 0


# ---- the command line -----------------------------------------------------------------------------------
def test_cli_map_names_columns_and_guesses_the_rest(runner, app, tmp_path):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    path = tmp_path / "县里的表.xlsx"
    path.write_bytes(xlsx(county_rows("甲科技有限公司"), headers=COUNTY))

    dry = runner.invoke(
        args=["import", str(path), "--kind", "enterprises", "--dry-run", "--map", "所属镇街=town_id"]
    )
    assert dry.exit_code == 0, dry.output
    assert "5. 所属镇街 → town_id (所在镇街)  [given]" in dry.output
    assert "3. 社会信用代码 → uscc (统一社会信用代码)  [synonym]" in dry.output
    assert "11. 填表人 → (left out: not recognised)" in dry.output
    assert dry.output.index("Columns:") < dry.output.index("1 to create")

    # A real run will not leave out a column nothing recognised, unless told to.
    refused = runner.invoke(args=["import", str(path), "--kind", "enterprises"])
    assert refused.exit_code == 2 and "'填表人'" in refused.output and "--map 'HEADER=-'" in refused.output
    with app.app_context():
        assert count(Enterprise) == 0

    written = runner.invoke(
        args=[
            "import",
            str(path),
            "--kind",
            "enterprises",
            "--map",
            "所属镇街=town_id",
            "--map",
            "填表人=notes",
        ]
    )
    assert written.exit_code == 0 and "Written" in written.output, written.output
    with app.app_context():
        firm = db.session.scalar(select(Enterprise))
        assert (firm.name, firm.notes, firm.town.name) == ("甲科技有限公司", "张三", "高升街道")
        assert count(ImportMapping) == 1  # and remembered for the next such file


def test_cli_values_guess_shown_in_the_dry_run(runner, app, tmp_path):
    with app.app_context():
        make_town(name="太平街道", code="taiping")
        db.session.commit()
    path = tmp_path / "代码.xlsx"
    path.write_bytes(
        xlsx([["甲公司", uscc(), "企业", "太平街道"]], headers=["企业名称", "代码", "主体类型", "地区"])
    )
    dry = runner.invoke(args=["import", str(path), "--kind", "enterprises", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2. 代码 → uscc (统一社会信用代码)  [values]" in dry.output
    assert "4. 地区 → town_id (所在镇街)  [values]" in dry.output
    assert "1. 企业名称 → name (企业名称)  [template]" in dry.output


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("所属镇街=township", "“township”不是企业的字段（可用：name,"),
        ("老板=name", "文件中没有列名为“老板”的列"),
        ("所属镇街", "expected HEADER=FIELD"),
        ("填表人=town_id", "第5列“所属镇街”和第11列“填表人”都对应“所在镇街”"),
        ("所属镇街=-", "缺少必填列：所在镇街"),
    ],
)
def test_cli_refuses_a_bad_map_with_exit_2_and_writes_nothing(runner, app, tmp_path, option, message):
    with app.app_context():
        make_town(name="高升街道", code="gaosheng")
        db.session.commit()
    path = tmp_path / "县里的表.xlsx"
    path.write_bytes(xlsx(county_rows("甲公司"), headers=COUNTY))
    args = ["import", str(path), "--kind", "enterprises", "--map", option]
    if not option.startswith("填表人"):
        args += ["--map", "填表人=-"]
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and message in result.output, result.output
    with app.app_context():
        assert count(Enterprise) == 0 and count(ImportMapping) == 0
