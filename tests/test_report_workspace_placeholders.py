"""Placeholders in report texts: the scanner, number formatting, filling from the registry, and hostile text
that never raises, never runs and never escapes into the preview's HTML."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.extensions import db
from registry.reports.periods import Period
from registry.reports.workspace.placeholders import (
    Broken,
    Literal,
    Piece,
    Placeholder,
    chinese_number,
    fill,
    format_number,
    html,
    parse,
    plain,
    plain_decimal,
    render,
)
from registry.reports.workspace.sources import ReportSources, firms_in_order

from .factories import make_certification, make_enterprise


class Stub:
    """Sources that answer from dictionaries (no database)."""

    def __init__(self, values=None, figures=None) -> None:
        self.values = values or {}
        self.figures_ = figures or {}

    def value(self, code):
        if code not in self.values:
            return Piece("", error="unknown")
        return Piece(format_number(self.values[code]), "value", link=f"/drill/{code}", title=code)

    def firms(self, code):
        return Piece("甲、乙", "firms")

    def events(self, code):
        return Piece("", error="no phrase")

    def figure(self, name):
        if not self.figures_.get(name):
            return Piece("", error="empty")
        return Piece(self.figures_[name], "figure")


# ---- scanning ------------------------------------------------------------------------------------------------
def test_the_four_kinds_and_full_width_braces_and_colons_are_read_alike():
    assert parse("共{tech_sme.registered}家") == [
        Literal("共"),
        Placeholder("value", "tech_sme.registered", "{tech_sme.registered}"),
        Literal("家"),
    ]
    assert parse("｛企业：tech_sme.registered｝")[0] == Placeholder(
        "firms", "tech_sme.registered", "｛企业：tech_sme.registered｝"
    )
    assert parse("{事件:srdi.little_giant_national_approved}")[0].kind == "events"
    assert parse("{数据: 政务服务事项 }")[0] == Placeholder("figure", "政务服务事项", "{数据: 政务服务事项 }")


def test_doubled_braces_are_literal_braces():
    assert plain(fill("{{不是占位符}}", Stub())) == "{不是占位符}"
    assert plain(fill("｛｛全角｝｝", Stub())) == "｛全角｝"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("少了右括号{tech_sme.registered", "unclosed"),
        ("多了右括号}", "stray"),
        ("空的{}", "empty"),
        ("{  }", "empty"),
        ("{未知:abc}", "unknown_kind"),
        ("{数据:}", "empty"),
        ("换行{abc\ndef}", "unclosed"),
    ],
)
def test_broken_placeholders_are_error_tokens_and_the_text_around_them_stays(ctx, text, reason):
    tokens = [t for line in text.split("\n") for t in parse(line)]
    assert any(isinstance(t, Broken) and t.reason == reason for t in tokens)
    rendered = render(text, Stub())
    assert rendered.errors
    assert "".join(rendered.plain).replace("\n", "") == text.replace("\n", "")  # nothing of the text is lost


def test_an_unknown_code_and_an_empty_figure_are_marked_in_the_preview(ctx):
    rendered = render("甲{no.such}乙{数据:空}丙", Stub(figures={"空": None}))
    assert len(rendered.errors) == 2
    page = str(rendered.html[0])
    assert page.count('<mark class="ph-error"') == 2 and page.startswith("甲") and page.endswith("丙")
    assert rendered.plain == ["甲{no.such}乙{数据:空}丙"]


def test_a_brace_opened_far_from_any_closing_one_is_unclosed_not_a_placeholder():
    text = "{" + "字" * 300 + "}"
    assert isinstance(parse(text)[0], Broken)


# ---- numbers --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (8, "8"),
        (1157, "1157"),
        (1234567, "1234567"),
        (Decimal("6753.00"), "6753"),
        (Decimal("284.15"), "284.15"),
        (Decimal("0.50"), "0.5"),
        (Decimal("460.005"), "460.01"),
        (Decimal("1E+3"), "1000"),
        (2.5, "2.5"),
        (0, "0"),
    ],
)
def test_numbers_are_digits_without_separators_and_money_without_trailing_zeros(value, shown):
    assert format_number(value) == shown


@pytest.mark.parametrize(
    ("text", "number"),
    [("1157", "1157"), ("1,157", "1157"), ("284.150", "284.15"), ("007", "7"), ("20多", None), ("70%", None)],
)
def test_a_figure_that_is_a_number_is_kept_as_plain_digits(text, number):
    assert plain_decimal(text) == number


def test_batch_numbers_read_as_a_document_writes_them():
    assert [chinese_number(n) for n in (1, 3, 10, 13, 20, 21, 99, 100)] == [
        "一",
        "三",
        "十",
        "十三",
        "二十",
        "二十一",
        "九十九",
        "100",
    ]


# ---- hostile text ---------------------------------------------------------------------------------------------
HOSTILE = [
    "<script>alert(1)</script>{tech}",
    '{"><img src=x onerror=alert(1)>}',
    "{数据:<b>粗体</b>}",
    "{{7*7}}{{config}}{% for x in y %}",
    "{__import__('os').system('id')}",
    "{企业:../../etc/passwd}",
    "}}}{{{",
    "{" * 500,
    "\u202e反向{\u200b}",
    "{事件:" + "x" * 1000 + "}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_placeholders_never_raise_never_run_and_never_reach_the_html_unescaped(ctx, text):
    rendered = render(text, Stub(values={"tech": 3}))
    page = "".join(str(p) for p in rendered.html)
    assert _foreign_tags(page) == ""
    assert "49" not in "".join(rendered.plain)  # {{7*7}} is text, not arithmetic


def _foreign_tags(page: str) -> str:
    """What is left of '<' once the renderer's own tags are taken out (must be nothing)."""
    own = re.sub(
        r'<(a|span|mark) class="[^"<>]*"( href="[^"<>]*")? title="[^"<>]*">|</(a|span|mark)>', "", page
    )
    return "".join(c for c in own if c == "<")


TEXT = st.text(
    alphabet=st.sampled_from(list("{}｛｝:：数据企业事件<>&\"' ab.\n{{}}tech")) | st.characters(),
    max_size=200,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_any_text_renders_without_error_and_its_html_has_no_tag_from_the_input(ctx, text):
    rendered = render(text, Stub(values={"tech": 3}, figures={"数据": "5"}))
    page = "".join(str(p) for p in rendered.html)
    assert _foreign_tags(page) == ""
    assert len(rendered.plain) == len([line for line in text.splitlines() if line.strip()])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_any_text_renders_against_the_registry_without_error(ctx, text):
    sources = ReportSources(Period(date(2021, 1, 1), date(2021, 7, 31)), [], [text])
    rendered = render(text, sources)
    assert _foreign_tags("".join(str(p) for p in rendered.html)) == ""


# ---- filling from the registry ---------------------------------------------------------------------------------
def test_values_firms_and_events_come_from_the_records_of_the_period(ctx):
    may, june = date(2021, 5, 10), date(2021, 6, 1)
    dayu = make_enterprise(name="盘锦大禹防水科技发展股份有限公司")
    fulong = make_enterprise(name="盘锦富隆化工有限公司")
    for firm, day in ((fulong, june), (dayu, may)):
        make_certification(firm, kind="tech_sme", status="approved", approved_on=day)
    make_certification(
        dayu,
        kind="little_giant",
        level="national",
        status="approved",
        approved_on=may,
        batch=1,
        key_support=True,
    )
    make_certification(
        fulong, kind="little_giant", level="national", status="approved", approved_on=june, batch=3
    )
    db.session.commit()
    text = (
        "新注册科技型中小企业{tech_sme.registered}家（{企业:tech_sme.registered}）。"
        "{事件:srdi.little_giant_national_valid}。"
    )
    sources = ReportSources(Period(date(2021, 1, 1), date(2021, 7, 31)), [], [text])
    rendered = render(text, sources)
    assert rendered.errors == []
    assert rendered.plain == [
        "新注册科技型中小企业2家（盘锦大禹防水科技发展股份有限公司、盘锦富隆化工有限公司）。"
        "盘锦大禹防水科技发展股份有限公司2021年5月入选第一批重点支持国家级专精特新“小巨人”企业名单"
        "（第一批第一年）。盘锦富隆化工有限公司入选第三批国家级专精特新“小巨人”企业名单。"
    ]
    # inside a sentence the phrases are joined with a comma; closing one, each is a sentence (above)
    inside = "{事件:srdi.little_giant_national_valid}，两家均在有效期内。"
    (line,) = render(inside, ReportSources(Period(date(2021, 1, 1), date(2021, 7, 31)), [], [inside])).plain
    assert "（第一批第一年），盘锦富隆化工有限公司入选第三批" in line and line.endswith(
        "名单，两家均在有效期内。"
    )


def test_a_recognition_is_named_by_its_batch_and_one_without_a_batch_by_its_month(ctx):
    firm = make_enterprise(name="盘锦华龙防水材料有限公司", short_name="华龙防水")
    make_certification(
        firm, kind="little_giant", level="national", status="approved", approved_on=date(2021, 7, 19)
    )
    db.session.commit()
    text = "{事件:srdi.little_giant_national_approved}"
    (line,) = render(text, ReportSources(Period(date(2021, 1, 1), date(2021, 7, 31)), [], [text])).plain
    assert line == "华龙防水2021年7月入选国家级专精特新“小巨人”企业名单"


@pytest.mark.parametrize(
    ("start", "end", "what", "shown"),
    [
        (date(2021, 1, 1), date(2021, 7, 31), "月数", "7"),
        (date(2021, 1, 1), date(2021, 12, 31), "月数", "12"),
        (date(2020, 11, 1), date(2021, 2, 28), "月数", "4"),
        (date(2021, 1, 1), date(2021, 7, 31), "起始日期", "2021年1月1日"),
        (date(2021, 1, 1), date(2021, 7, 31), "截止日期", "2021年7月31日"),
        (date(2021, 1, 1), date(2021, 7, 31), "年度", "2021"),
    ],
)
def test_the_period_fills_its_own_placeholders(ctx, start, end, what, shown):
    text = f"前{{期间：{what}}}个月"
    rendered = render(text, ReportSources(Period(start, end), [], [text]))
    assert rendered.errors == [] and rendered.plain == [f"前{shown}个月"]


@pytest.mark.parametrize(
    ("start", "end", "text", "message"),
    [
        (date(2021, 1, 5), date(2021, 7, 31), "{期间:月数}", "不是整月"),
        (date(2021, 1, 1), date(2021, 7, 30), "{期间:月数}", "不是整月"),
        (date(2021, 1, 1), date(2021, 7, 31), "{期间:季度}", "未知的期间项"),
    ],
)
def test_a_period_placeholder_that_cannot_be_filled_is_marked(ctx, start, end, text, message):
    rendered = render(text, ReportSources(Period(start, end), [], [text]))
    assert rendered.plain == [text] and len(rendered.errors) == 1 and message in rendered.errors[0]


def test_firms_are_named_by_short_name_when_they_have_one_in_date_then_name_order(ctx):
    class Firm:
        def __init__(self, id_, name, short=None):
            self.id, self.name, self.short_name = id_, name, short

    class Record:
        def __init__(self, firm, day):
            self.enterprise, self.approved_on = firm, day

    a, b, c = Firm(1, "乙公司", "乙"), Firm(2, "甲公司"), Firm(3, "丙公司", "丙")
    records = [
        Record(a, date(2021, 3, 1)),
        Record(b, date(2021, 3, 1)),
        Record(c, date(2021, 1, 1)),
        Record(a, date(2021, 5, 1)),
    ]
    assert firms_in_order(records) == ["丙", "乙", "甲公司"]


def test_an_indicator_of_towns_has_no_firms_and_one_without_a_phrase_no_events(ctx):
    text = "{企业:ip_pledge.outreach_towns}{事件:enterprises.total}{企业:no.such}"
    rendered = render(text, ReportSources(Period(date(2021, 1, 1), date(2021, 7, 31)), [], [text]))
    assert len(rendered.errors) == 3


def test_changed_numbers_are_marked_with_the_previous_value(ctx):
    class Previous(Stub):
        def value(self, code):
            piece = super().value(code)
            piece.previous = "6"
            return piece

    page = str(html(fill("共{tech}家", Previous(values={"tech": 8}))))
    assert 'class="ph ph-value ph-changed"' in page and "6" in page and 'href="/drill/tech"' in page
