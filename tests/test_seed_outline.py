"""The seed report's outline and default texts (REPORT.md §1, §3, §4): the outline the plan prescribes, every
placeholder naming something that exists, simplified script only, and the seed's numbers put back into the
placeholders giving back the whole seed."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from registry.demo import data as demo_data
from registry.reports import indicators
from registry.reports.seed_outline import SEED_FIGURES, SEED_OUTLINE

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "registry" / "reports" / "seed_report_zh_hans.txt"
MAPPING = ROOT / "docs" / "seed_report_mapping.md"

# REPORT.md §1, as written there.
REPORT_OUTLINE = [
    ("一", "着力促进创新创业环境升级", ["简政放权释放企业创新活力", "优化服务便利创新创业"]),
    (
        "二",
        "加快推动创新创业发展动力升级",
        [
            "加大财税政策支持力度",
            "加快推进首台（套）重大技术装备示范应用",
            "建立完善知识产权评估和风险控制体系",
        ],
    ),
    (
        "三",
        "持续推进创业带动就业能力升级",
        [
            "鼓励和支持科研人员积极投身科技创新创业",
            "强化大学生创新创业培训",
            "完善退役军人自主创业支持政策和服务体系",
            "健全农民工返乡创业服务体系",
            "提升归国和外籍人才创新创业便利化水平",
            "推动更多群体投身创新创业",
        ],
    ),
    ("四", "深入推动科技创新支撑能力升级", ["增强创新型企业引领带动作用", "健全科技成果转化的体制机制"]),
    (
        "五",
        "大力促进创新创业平台服务升级",
        ["提升孵化机构和众创空间服务水平", "深入推进工业互联网创新发展", "打造创新创业重点展示品牌"],
    ),
    (
        "六",
        "进一步完善创新创业金融服务",
        ["充分发挥创业投资支持创新创业作用", "拓宽创新创业直接融资渠道", "完善创新创业差异化金融支持政策"],
    ),
    (
        "七",
        "加快构筑创新创业发展高地",
        ["培育创新创业集聚区", "发挥“双创”示范基地引导示范作用", "推进创新创业国际合作"],
    ),
    ("八", "切实打通政策落实“最后一公里”", ["强化创新创业政策统筹", "细化关键政策落实措施"]),
    ("九", "下步工作措施", []),
]
TITLE = "辽宁省推动创新创业高质量发展打造“双创”升级版工作方案的落实情况"

# DESIGN.md §4 codes that a parallel change adds to the indicator registry.
CODES_BEING_ADDED = {
    "enterprises.new",
    "srdi.little_giant_national_approved",
    "srdi.product_provincial_applied_products",
    "ip_pledge.outreach_enterprises_high_value",
    "ip_pledge.outreach_events",
    "ip_pledge.loan_enterprises",
}
KNOWN_CODES = (
    {ind.code for ind in indicators.FIXED}
    | CODES_BEING_ADDED
    | {f"tags.{code}" for code, _name in demo_data.TAGS}  # tags are data: the seed's are the demo's
)

# The seed's values, as the seed writes them.
SEED_VALUES = {
    "incubation.tenants_active": "26",
    "srdi.product_provincial_applied": "5",
    "srdi.little_giant_provincial_applied": "4",
    "tech_sme.registered": "8",
    "high_tech.applied": "3",
    "ip_pledge.outreach_enterprises_high_value": "22",
    "ip_pledge.outreach_towns": "13",
    "tags.kechuang-china": "102",
}
SEED_FIRMS = {
    "srdi.product_provincial_applied": ["金田塑业", "富隆化工", "天源药业", "华龙防水", "科隆化工"],
    "listing.key_reserve_active": ["大禹防水"],
}
SEED_EVENTS = {
    "srdi.little_giant_national_approved": [
        "大禹防水2021年5月入选第一批重点支持国家级专精特新“小巨人”企业名单（第一批第一年）",
        "富隆化工入选第三批国家级专精特新“小巨人”企业名单",
    ],
}
SEED_PERIOD = {"月数": "7"}  # 2021-01-01 … 2021-07-31: 前7个月
SEED_FIGURE_TEXT = {
    "审批时限压缩比例": "70%",
    "平均每个审批事项办理环节": "2.5个",
    "依申请类政务服务事项": "1157项",
    "已解决欠薪案件": "46起",
    "来访欠薪案件": "25起",
    "线索平台欠薪案件": "21起",
    "欠薪案件涉及人数": "232人",
    "来访欠薪案件涉及人数": "211人",
    "线索平台欠薪案件涉及人数": "21人",
    "欠薪案件涉及金额": "460万元",
    "来访欠薪案件涉及金额": "284.15万元",
    "线索平台欠薪案件涉及金额": "175.85万元",
    "下载电子营业执照业户": "591家",
    "实习实训学生": "20多人",
    "参加技能培训的退役军人": "40名",
    "三农涉农小微企业贷款累计": "6753万元",
    "巾帼再就业资金项目": "5个",
    "科技培训示范基地": "1家",
    "2019年服务业发展专项资金": "200万元",
    "2019年科技专项资金": "100万元",
    "2020年服务业发展专项资金": "200万元",
    "2020年科技专项资金": "100万元",
    "2021年服务业发展专项资金": "150万元",
    "2021年科技专项资金": "150万元",
    "创业大厦补助资金": "60万",
}

# Numbers a default text keeps as written, and why (docs/seed_report_mapping.md, "Numbers left as text").
LITERAL_NUMBERS = {
    "二.3": ["19"],  # 第19个世界知识产权日: an ordinal of the day, not a count
    "三.1": ["2019", "22", "2019", "37"],  # document numbers 辽科发〔2019〕22号, 盘政办发〔2019〕37号
    "五.1": ["2019", "2020", "2021", "2", "1"],  # budget years, and the city:county split 2:1
    "五.2": ["2021"],  # the year of the special fund applied for
}

# Traditional forms that occur in the seed (all of them), and 著 of its 著力.
TRADITIONAL_IN_SEED = (
    "來個備傳價償優內兩冊別創劃動務勝勢勵匯區協參員問單國圍園圖團執堅報場壓婦學實寧審寬將專尋對導層屬嶺帶幗幫庫廈廠廣廳"
    "強徑從徹態應戶掛揮撐撥擁擇擊擔據擬擴數斷時曉會東條業極構標機檢權歸決況減準滿濟為無營爭牽獲現環產異發盡監盤眾確碼稅"
    "種積穩競節簡籌納級細組結統經維網綻線縣縮績織繞繼續義習聯聲職臺與興華萬薦藥蘭號術補裝見視覽計訓訪設許評試話認調請諾講"
    "證識護變豐負財貫責貸費資賦質賽車軍較載輔輻轉辦農連進過達選遼鄉釋針鉤錄錦鍵鎖鎮門開閑間闊關陽隊際險雙難電項預領頭題額"
    "類風養駐體點黨龍著這"
)
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"

PLACEHOLDER = re.compile(r"[{｛]([^{}｛｝]*)[}｝]")


def parse(inner: str) -> tuple[str, str]:
    """``企业:code`` → ("企业", code); ``code`` → ("", code). The full-width colon works the same."""
    kind, sep, rest = inner.replace("：", ":").partition(":")
    return (kind, rest) if sep else ("", inner)


def sections():
    for chapter in SEED_OUTLINE["chapters"]:
        yield from chapter["sections"]


def placeholders(text: str) -> list[tuple[str, str]]:
    return [parse(m) for m in PLACEHOLDER.findall(text)]


def fill(text: str) -> str:
    def one(match):
        kind, name = parse(match.group(1))
        if kind == "数据":
            return SEED_FIGURE_TEXT[name]
        if kind == "企业":
            return "、".join(SEED_FIRMS[name])
        if kind == "事件":
            return "，".join(SEED_EVENTS[name])
        if kind == "期间":
            return SEED_PERIOD[name]
        assert kind == "", match.group(0)
        return SEED_VALUES[name]

    return PLACEHOLDER.sub(one, text)


def render() -> list[str]:
    """The outline with the seed's values, as lines: title, preamble, headings, paragraphs."""
    lines = [SEED_OUTLINE["title"], SEED_OUTLINE["preamble"]]
    for chapter in SEED_OUTLINE["chapters"]:
        lines.append(f"{chapter['code']}、{chapter['heading']}")
        for section in chapter["sections"]:
            if "." in section["code"]:
                lines.append(f"{section['code'].split('.')[1]}.{section['heading']}")
            lines.extend(fill(section["text"]).split("\n"))
    return lines


def seed_report_lines() -> tuple[list[str], list[str]]:
    """The simplified seed as (the report's lines, the web page's footer lines)."""
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    footer = next(i for i, line in enumerate(lines) if line.startswith("主办单位："))
    return lines[:footer], lines[footer:]


def bare(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and not unicodedata.category(c).startswith("P"))


def test_the_outline_has_the_chapters_and_sections_of_the_plan():
    assert SEED_OUTLINE["title"] == TITLE
    got = [
        (c["code"], c["heading"], [s["heading"] for s in c["sections"] if "." in s["code"]])
        for c in SEED_OUTLINE["chapters"]
    ]
    assert got == REPORT_OUTLINE
    for chapter in SEED_OUTLINE["chapters"]:
        codes = [s["code"] for s in chapter["sections"]]
        if chapter["code"] == "九":
            assert codes == ["九"] and chapter["sections"][0]["heading"] == ""
        else:
            assert codes == [f"{chapter['code']}.{n}" for n in range(1, len(codes) + 1)]
        for section in chapter["sections"]:
            assert section["text"].strip() and set(section) == {"code", "heading", "text", "indicators"}
    assert SEED_OUTLINE["preamble"].startswith("为深入贯彻") and SEED_OUTLINE["preamble"].endswith(
        "汇报如下："
    )
    assert SEED_OUTLINE["issuer"] == "盘山县人民政府" and SEED_OUTLINE["date"] is None


def test_every_indicator_placeholder_names_a_design_indicator_listed_by_its_section():
    used_anywhere = set()
    for section in sections():
        used = {name for kind, name in placeholders(section["text"]) if kind not in ("数据", "期间")}
        kinds = {kind for kind, _name in placeholders(section["text"])}
        assert kinds <= {"", "企业", "事件", "数据", "期间"}, section["code"]
        assert used <= KNOWN_CODES, (section["code"], used - KNOWN_CODES)
        assert used <= set(section["indicators"]), section["code"]
        assert set(section["indicators"]) <= KNOWN_CODES, section["code"]
        assert len(section["indicators"]) == len(set(section["indicators"])), section["code"]
        used_anywhere |= used
    by_section = {s["code"]: s["indicators"] for s in sections()}
    assert {"tags.cloud", "tags.smart-workshop"} <= set(by_section["五.2"])
    assert "tags.kechuang-china" in by_section["七.3"]
    assert "srdi.little_giant_national_approved" in by_section["四.1"]
    # Listed but unused only where REPORT.md §1 puts an indicator the seed's text gives no number for.
    unused = {(code, name) for code, names in by_section.items() for name in names} - {
        (s["code"], name) for s in sections() for _kind, name in placeholders(s["text"])
    }
    assert unused == {("五.2", "tags.cloud"), ("五.2", "tags.smart-workshop")}
    assert used_anywhere == set(SEED_VALUES) | set(SEED_FIRMS) | set(SEED_EVENTS)


def test_every_figure_is_used_and_every_figure_used_exists():
    names = [f["name"] for f in SEED_FIGURES]
    assert len(names) == len(set(names))
    used = [name for s in sections() for kind, name in placeholders(s["text"]) if kind == "数据"]
    assert sorted(set(used)) == sorted(names)
    assert len(used) == len(set(used))  # each figure has one place in the seed
    for figure in SEED_FIGURES:
        assert set(figure) == {"name", "value", "unit", "source", "note"}
        assert figure["source"].startswith("县") and figure["unit"] and figure["value"]
        assert not re.search(r"[{}｛｝:：]", figure["name"]), figure["name"]
        assert f"{figure['value']}{figure['unit']}" == SEED_FIGURE_TEXT[figure["name"]]
    assert set(SEED_FIGURE_TEXT) == set(names)


def test_the_texts_are_simplified_script_without_glosses_in_chinese_punctuation():
    texts = [SEED_OUTLINE["title"], SEED_OUTLINE["preamble"]]
    for chapter in SEED_OUTLINE["chapters"]:
        texts.append(chapter["heading"])
        for section in chapter["sections"]:
            texts += [section["heading"], section["text"]]
    texts += [f["name"] + f["note"] + f["source"] for f in SEED_FIGURES]
    for text in texts + SEED_TEXT.read_text(encoding="utf-8").splitlines():
        prose = PLACEHOLDER.sub("", text)
        assert not set(prose) & set(TRADITIONAL_IN_SEED), text
        assert not set(prose) & set(TONE_MARKS), text
    for text in texts:
        prose = PLACEHOLDER.sub("", text)
        assert not re.search(r"[A-Za-z]", prose), text  # no pinyin, no stray Latin
        assert not re.search(r"[,;()\[\]\"?]", prose), text
        assert not re.search(r":(?!\d)", prose), text  # only the ratio 2:1 keeps an ASCII colon
        assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff\d]", prose), text


def test_numbers_the_registry_knows_are_placeholders_in_the_default_texts():
    assert re.findall(r"\d+", SEED_OUTLINE["preamble"]) == ["2020", "26", "2019", "749"]  # document numbers
    for section in sections():
        prose = PLACEHOLDER.sub("", section["text"])
        assert re.findall(r"\d+", prose) == LITERAL_NUMBERS.get(section["code"], []), section["code"]


def test_the_seeds_values_in_the_placeholders_give_back_the_whole_seed():
    report, footer = seed_report_lines()
    assert bare("".join(render())) == bare("".join(report))
    # Line by line, the only differences are the two the outline makes on purpose: REPORT.md's heading drops
    # the seed's full stop, and a placeholder's events are joined by a comma where the seed ends a sentence.
    expected = [
        line.replace("积极投身科技创新创业。", "积极投身科技创新创业").replace(
            "企业名单（第一批第一年）。富隆化工", "企业名单（第一批第一年），富隆化工"
        )
        for line in report
    ]
    assert render() == expected
    # What the outline leaves out is the web page's footer; its 主办单位 is the issuer.
    assert footer[0].startswith(f"主办单位：{SEED_OUTLINE['issuer']} ") and len(footer) == 3


@pytest.mark.parametrize(
    "text, kind, name",
    [
        ("{tags.kechuang-china}", "", "tags.kechuang-china"),
        ("｛企业：listing.key_reserve_active｝", "企业", "listing.key_reserve_active"),
    ],
)
def test_the_tests_own_reading_of_placeholders(text, kind, name):
    assert placeholders(text) == [(kind, name)]


def test_the_mapping_document_names_every_placeholder_and_figure():
    mapping = MAPPING.read_text(encoding="utf-8")
    for section in sections():
        for kind, name in placeholders(section["text"]):
            token = f"{{{kind}:{name}}}" if kind else f"{{{name}}}"
            assert token in mapping, token
    for figure in SEED_FIGURES:
        assert f"| {figure['value']}{figure['unit']} |" in mapping, figure["name"]
