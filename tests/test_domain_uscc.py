"""统一社会信用代码 (GB 32100-2015): unit and property tests for registry.domain.uscc."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from registry.domain import InputError
from registry.domain.uscc import (
    ALPHABET,
    WEIGHTS,
    check_character,
    normalise_uscc,
    validate_uscc,
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


# --- Independent reference (from GB 32100-2015, not from the module under test) -----------------

REF_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REF_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def reference_check(first17: str) -> str:
    total = sum(REF_ALPHABET.index(char) * weight for char, weight in zip(first17, REF_WEIGHTS, strict=True))
    c18 = 31 - total % 31
    return REF_ALPHABET[0 if c18 == 31 else c18]


def to_fullwidth(text: str) -> str:
    """ASCII → full-width forms (U+FF01–U+FF5E), space → ideographic space."""
    return "".join(
        "\u3000" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text
    )


def fold_reference(char: str) -> str:
    return chr(ord(char) - 0xFEE0) if 0xFF01 <= ord(char) <= 0xFF5E else char


VALID = ["914403001922038216", "9144030071526726XG", "91440101MA5CJQ4N59"]
BAD_CHECK = {"914403001922038217": "6", "91110108717809965C": "J"}

SETTINGS = settings(database=None, deadline=None, max_examples=300)

first17s = st.text(alphabet=REF_ALPHABET, min_size=17, max_size=17)
valid_codes = first17s.map(lambda first17: first17 + reference_check(first17))


# --- Constants ------------------------------------------------------------------------------------


def test_alphabet_is_the_31_characters_without_I_O_S_V_Z():
    assert ALPHABET == REF_ALPHABET
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_weights_are_powers_of_three_mod_31():
    assert list(WEIGHTS) == REF_WEIGHTS


def test_reference_examples_are_self_consistent():
    # Guards the test's own reference: the published valid codes check under it.
    for code in VALID:
        assert reference_check(code[:17]) == code[17]
    for code, expected in BAD_CHECK.items():
        assert reference_check(code[:17]) == expected != code[17]


# --- check_character ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID)
def test_check_character_gives_the_18th_character_of_known_valid_codes(code):
    assert check_character(code[:17]) == code[17]


def test_check_character_maps_31_to_zero():
    # Σ = 0 → 31 − 0 = 31, which the standard writes as 0.
    assert check_character("0" * 17) == "0"


def test_check_character_can_be_a_letter():
    assert check_character("9144030071526726X") == "G"


@given(first17s)
@SETTINGS
def test_check_character_agrees_with_reference(first17):
    assert check_character(first17) == reference_check(first17)


# --- validate_uscc: valid codes -------------------------------------------------------------------


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_are_accepted_unchanged(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", VALID)
def test_lower_case_code_is_upper_cased_and_accepted(code):
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize("code", VALID)
def test_full_width_code_is_folded_and_accepted(code):
    full = to_fullwidth(code)
    assert full != code
    assert validate_uscc(full) == code


def test_full_width_digits_example_is_accepted():
    assert validate_uscc("９１４４０３００１９２２０３８２１６") == "914403001922038216"


def test_full_width_lower_case_letters_are_accepted():
    assert validate_uscc("9144030071526726ｘｇ") == "9144030071526726XG"


@pytest.mark.parametrize("padding", [" ", "  ", "\t", "\n", "\u3000", " \u3000 "])
def test_surrounding_white_space_is_stripped_and_accepted(padding):
    assert validate_uscc(f"{padding}914403001922038216{padding}") == "914403001922038216"


def test_all_zero_code_with_check_zero_is_valid():
    assert validate_uscc("0" * 18) == "0" * 18


# --- validate_uscc: length ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "actual"),
    [("", 0), ("91440300192203821", 17), ("9144030019220382160", 19), ("   ", 0)],
)
def test_wrong_length_fails_with_code_length_and_names_the_actual_length(raw, actual):
    with pytest.raises(InputError) as caught:
        validate_uscc(raw)
    assert caught.value.code == "length"
    assert "18位" in caught.value.message
    assert f"实际为{actual}位" in caught.value.message


def test_inner_space_is_not_removed_so_the_code_is_too_long():
    with pytest.raises(InputError) as caught:
        validate_uscc("914403 001922038216")
    assert caught.value.code == "length"
    assert "实际为19位" in caught.value.message


# --- validate_uscc: characters --------------------------------------------------------------------


@pytest.mark.parametrize("letter", list("IOSVZ"))
@pytest.mark.parametrize("position", [1, 9, 17, 18])
def test_excluded_letter_fails_with_code_character_naming_position_and_character(letter, position):
    code = list("914403001922038216")
    code[position - 1] = letter
    with pytest.raises(InputError) as caught:
        validate_uscc("".join(code))
    assert caught.value.code == "character"
    assert f"第{position}位" in caught.value.message
    assert f"“{letter}”" in caught.value.message


def test_lower_case_excluded_letter_is_reported_upper_cased():
    with pytest.raises(InputError) as caught:
        validate_uscc("91440300192203821o")
    assert caught.value.code == "character"
    assert "第18位" in caught.value.message
    assert "“O”" in caught.value.message


@pytest.mark.parametrize(
    ("raw", "position", "char"), [("9144030019220382中6", 17, "中"), ("91440300-922038216", 9, "-")]
)
def test_non_alphabet_character_fails_with_code_character(raw, position, char):
    with pytest.raises(InputError) as caught:
        validate_uscc(raw)
    assert caught.value.code == "character"
    assert f"第{position}位" in caught.value.message
    assert f"“{char}”" in caught.value.message


def test_first_bad_character_is_the_one_reported():
    with pytest.raises(InputError) as caught:
        validate_uscc("9I44030019220382Z6")
    assert "第2位" in caught.value.message
    assert "“I”" in caught.value.message


def test_character_error_takes_precedence_over_check_error():
    # Position 5 is invalid and the check character would be wrong too.
    with pytest.raises(InputError) as caught:
        validate_uscc("9144O3001922038217")
    assert caught.value.code == "character"


# --- validate_uscc: check character ---------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), sorted(BAD_CHECK.items()))
def test_wrong_check_character_fails_with_code_check_saying_what_it_should_be(code, expected):
    with pytest.raises(InputError) as caught:
        validate_uscc(code)
    assert caught.value.code == "check"
    assert "第18位" in caught.value.message
    assert f"应为“{expected}”" in caught.value.message
    assert f"实际为“{code[17]}”" in caught.value.message


def test_input_error_is_a_value_error_whose_str_is_the_message():
    with pytest.raises(ValueError) as caught:
        validate_uscc("914403001922038217")
    assert isinstance(caught.value, InputError)
    assert str(caught.value) == caught.value.message


def test_messages_are_the_same_chinese_text_inside_an_app_context(app_context):
    with pytest.raises(InputError) as caught:
        validate_uscc("914403001922038217")
    assert caught.value.message == "校验码错误（第18位应为“6”，实际为“7”）"


# --- normalise_uscc / every kind of failure ---------------------------------------------------------------


def test_normalise_folds_width_strips_and_upper_cases_only():
    assert normalise_uscc("\u3000 ９１ab-c d\t") == "91AB-C D"


@pytest.mark.parametrize("raw", ["", "914403001922038217", "91440300192203821", "9144030019220382I6"])
def test_each_kind_of_failure_is_refused(raw):
    with pytest.raises(InputError):
        validate_uscc(raw)


# --- Properties -----------------------------------------------------------------------------------


@given(valid_codes)
@SETTINGS
def test_every_generated_valid_code_is_accepted(code):
    assert validate_uscc(code) == code


@given(valid_codes, st.sampled_from(["", " ", "\t", "\u3000", "\n "]), st.booleans(), st.booleans())
@SETTINGS
def test_every_generated_valid_code_is_accepted_in_lower_case_full_width_and_padded(code, pad, lower, full):
    raw = code.lower() if lower else code
    raw = to_fullwidth(raw) if full else raw
    assert validate_uscc(pad + raw + pad) == code


def _replacement_characters():
    return st.one_of(st.sampled_from(REF_ALPHABET), st.characters(), st.sampled_from("IOSVZioszv -中"))


@given(valid_codes, st.integers(min_value=0, max_value=17), _replacement_characters())
@SETTINGS
def test_any_single_character_change_of_a_valid_code_fails(code, position, replacement):
    original = code[position]
    # A lower-case or full-width form of the same character is the same character, not a change.
    assume(replacement.upper() != original and fold_reference(replacement).upper() != original)
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InputError) as caught:
        validate_uscc(changed)
    assert caught.value.code in {"length", "character", "check"}
    if replacement in REF_ALPHABET:
        # Weights are non-zero mod the prime 31, so one substitution always changes the sum mod 31.
        assert caught.value.code == "check"


@given(valid_codes, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=30))
@SETTINGS
def test_any_substitution_within_the_alphabet_fails_the_check(code, position, shift):
    replacement = REF_ALPHABET[(REF_ALPHABET.index(code[position]) + shift) % 31]
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InputError) as caught:
        validate_uscc(changed)
    assert caught.value.code == "check"
    assert f"应为“{reference_check(changed[:17])}”" in caught.value.message
    assert f"实际为“{code[17]}”" in caught.value.message


@given(st.text(alphabet=REF_ALPHABET, max_size=40).filter(lambda text: len(text) != 18))
@SETTINGS
def test_length_other_than_18_fails_with_code_length(raw):
    with pytest.raises(InputError) as caught:
        validate_uscc(raw)
    assert caught.value.code == "length"
    assert f"实际为{len(raw)}位" in caught.value.message


@given(valid_codes, st.text(alphabet=REF_ALPHABET, min_size=1, max_size=5))
@SETTINGS
def test_valid_code_with_extra_characters_fails_with_code_length(code, extra):
    with pytest.raises(InputError) as caught:
        validate_uscc(code + extra)
    assert caught.value.code == "length"
    with pytest.raises(InputError) as caught:
        validate_uscc(code[: 18 - len(extra)])
    assert caught.value.code == "length"
