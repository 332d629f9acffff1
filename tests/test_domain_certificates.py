"""Certification kinds: unit and property tests for registry.domain.certificates."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import InputError
from registry.domain.certificates import (
    Validity,
    add_years,
    check_pattern,
    default_valid_until,
    parse_validity,
    validate_certificate_no,
)


@pytest.fixture
def app_context():
    """A minimal Flask app with Babel, pushed, for the messages as the app produces them."""
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield app


SETTINGS = settings(database=None, deadline=None, max_examples=300)
GR = r"^GR\d{12}$"


def to_fullwidth(text: str) -> str:
    return "".join(
        "\u3000" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text
    )


# --- parse_validity -------------------------------------------------------------------------------


def test_parse_validity_accepts_calendar_year():
    validity = parse_validity("calendar_year")
    assert validity == Validity("calendar_year")
    assert validity.years is None
    assert str(validity) == "calendar_year"


def test_parse_validity_accepts_none():
    validity = parse_validity("none")
    assert validity == Validity("none")
    assert str(validity) == "none"


@pytest.mark.parametrize("years", [1, 3, 9, 10, 99])
def test_parse_validity_accepts_years_1_to_99(years):
    validity = parse_validity(f"years:{years}")
    assert validity == Validity("years", years)
    assert str(validity) == f"years:{years}"


def test_parse_validity_ignores_surrounding_spaces():
    assert parse_validity("  years:3 ") == Validity("years", 3)


@pytest.mark.parametrize(
    "text",
    [
        "years:0",
        "years:",
        "forever",
        "",
        "   ",
        "years:100",
        "years:-1",
        "years:01",
        "years:1.5",
        "years: 3",
        "year:3",
        "YEARS:3",
        "Calendar_Year",
        "years:3x",
    ],
)
def test_parse_validity_rejects_anything_else(text):
    with pytest.raises(InputError) as caught:
        parse_validity(text)
    assert "calendar_year" in caught.value.message
    assert "years:N" in caught.value.message


def test_parse_validity_rejects_none_value():
    with pytest.raises(InputError):
        parse_validity(None)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=99))
@SETTINGS
def test_parse_validity_round_trips_every_years_value(years):
    validity = parse_validity(f"years:{years}")
    assert validity.kind == "years"
    assert validity.years == years
    assert parse_validity(str(validity)) == validity


@given(st.integers().filter(lambda n: not 1 <= n <= 99))
@SETTINGS
def test_parse_validity_rejects_years_outside_1_to_99(years):
    with pytest.raises(InputError):
        parse_validity(f"years:{years}")


# --- add_years ------------------------------------------------------------------------------------


def test_add_years_keeps_month_and_day():
    assert add_years(date(2021, 5, 10), 3) == date(2024, 5, 10)


def test_add_years_moves_29_february_to_1_march_in_a_common_year():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 3, 1)


def test_add_years_keeps_29_february_in_a_leap_year():
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


# --- default_valid_until --------------------------------------------------------------------------


def test_calendar_year_ends_on_31_december_of_the_approval_year():
    assert default_valid_until("calendar_year", date(2021, 5, 10)) == date(2021, 12, 31)


def test_calendar_year_approved_on_31_december_ends_that_day():
    assert default_valid_until("calendar_year", date(2021, 12, 31)) == date(2021, 12, 31)


def test_years_ends_the_day_before_the_anniversary():
    assert default_valid_until("years:3", date(2021, 5, 10)) == date(2024, 5, 9)


def test_years_from_29_february_ends_on_28_february():
    assert default_valid_until("years:3", date(2020, 2, 29)) == date(2023, 2, 28)


def test_years_from_29_february_to_a_leap_year_ends_on_28_february():
    assert default_valid_until("years:4", date(2020, 2, 29)) == date(2024, 2, 28)


def test_one_year_from_1_january_ends_on_31_december():
    assert default_valid_until("years:1", date(2021, 1, 1)) == date(2021, 12, 31)


def test_none_validity_has_no_end():
    assert default_valid_until("none", date(2021, 5, 10)) is None


@pytest.mark.parametrize("validity", ["calendar_year", "years:3", "none", Validity("years", 3)])
def test_no_approval_date_gives_no_end(validity):
    assert default_valid_until(validity, None) is None


def test_default_valid_until_accepts_a_parsed_validity():
    assert default_valid_until(Validity("years", 3), date(2021, 5, 10)) == date(2024, 5, 9)
    assert default_valid_until(Validity("calendar_year"), date(2021, 5, 10)) == date(2021, 12, 31)
    assert default_valid_until(Validity("none"), date(2021, 5, 10)) is None


def test_default_valid_until_rejects_an_invalid_validity_text():
    with pytest.raises(InputError):
        default_valid_until("forever", date(2021, 5, 10))


approval_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31))


@given(approval_dates)
@SETTINGS
def test_calendar_year_always_ends_on_31_december_not_before_approval(approved_on):
    until = default_valid_until("calendar_year", approved_on)
    assert until == date(approved_on.year, 12, 31)
    assert until >= approved_on


@given(approval_dates, st.integers(min_value=1, max_value=99))
@SETTINGS
def test_years_validity_ends_the_day_before_the_nth_anniversary(approved_on, years):
    until = default_valid_until(f"years:{years}", approved_on)
    target_year = approved_on.year + years
    try:
        anniversary = date(target_year, approved_on.month, approved_on.day)
    except ValueError:  # 29 February in a common year
        anniversary = date(target_year, 3, 1)
    assert until == anniversary - timedelta(days=1)
    assert until > approved_on
    assert (until - approved_on).days in range(365 * years - 1, 366 * years + 1)


@given(approval_dates)
@SETTINGS
def test_none_validity_never_has_an_end(approved_on):
    assert default_valid_until("none", approved_on) is None


# --- check_pattern --------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [GR, r"\d+", "", r"^[A-Z]{2}\d{4}-\d{3}$"])
def test_check_pattern_returns_a_valid_pattern_unchanged(pattern):
    assert check_pattern(pattern) == pattern


@pytest.mark.parametrize("pattern", ["([", "(", "[a-", "*a", r"\\d{2,1}"])
def test_check_pattern_rejects_an_invalid_regular_expression(pattern):
    with pytest.raises(InputError) as caught:
        check_pattern(pattern)
    assert "正则表达式" in caught.value.message


def test_check_pattern_error_is_chained_to_the_re_error():
    with pytest.raises(InputError) as caught:
        check_pattern("([")
    assert isinstance(caught.value.__cause__, re.error)


# --- validate_certificate_no ----------------------------------------------------------------------


def test_certificate_number_matching_the_pattern_is_accepted():
    assert validate_certificate_no("GR202311004043", GR) == "GR202311004043"


def test_lower_case_certificate_number_is_upper_cased_and_accepted():
    assert validate_certificate_no("gr202311004043", GR) == "GR202311004043"


def test_certificate_number_is_trimmed_and_width_folded():
    assert validate_certificate_no("  ＧＲ２０２３１１００４０４３\u3000", GR) == "GR202311004043"


@pytest.mark.parametrize(
    "number", ["GR2023110040", "GR2023110040431", "GX202311004043", "XGR202311004043", ""]
)
def test_certificate_number_not_matching_fails_with_code_pattern(number):
    with pytest.raises(InputError) as caught:
        validate_certificate_no(number, GR, "高新技术企业")
    assert caught.value.code == "pattern"
    assert f"“{number}”" in caught.value.message
    assert "高新技术企业" in caught.value.message
    assert GR in caught.value.message


def test_pattern_is_matched_against_the_whole_number():
    with pytest.raises(InputError) as caught:
        validate_certificate_no("GR202311004043X", r"GR\d{12}")
    assert caught.value.code == "pattern"


def test_mismatch_message_shows_the_cleaned_number(app_context):
    with pytest.raises(InputError) as caught:
        validate_certificate_no(" gr2023110040 ", GR, "高企")
    assert caught.value.message == f"证书编号“GR2023110040”不符合高企的编号格式（{GR}）"


@pytest.mark.parametrize("pattern", [None, ""])
def test_no_pattern_accepts_any_number_cleaned(pattern):
    assert validate_certificate_no("  abc\u3000 ｄｅｆ\t-1 ", pattern) == "ABC DEF -1"


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000", "\t"]),
)
@SETTINGS
def test_every_gr_number_variant_is_accepted_as_the_canonical_number(digits, lower, full, pad):
    canonical = "GR" + digits
    raw = canonical.lower() if lower else canonical
    raw = to_fullwidth(raw) if full else raw
    assert validate_certificate_no(pad + raw + pad, GR) == canonical


@given(st.text(alphabet="0123456789", max_size=20).filter(lambda digits: len(digits) != 12))
@SETTINGS
def test_gr_number_with_wrong_digit_count_fails_with_code_pattern(digits):
    with pytest.raises(InputError) as caught:
        validate_certificate_no("GR" + digits, GR)
    assert caught.value.code == "pattern"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
@SETTINGS
def test_no_pattern_result_is_trimmed_single_spaced_and_upper_case(text):
    number = validate_certificate_no(text, None)
    assert number == number.strip()
    assert "  " not in number
    assert number == number.upper()
    assert number.replace(" ", "") == text.replace(" ", "").upper()
