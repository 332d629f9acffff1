"""Names and text: unit and property tests for registry.domain.text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.text import (
    clean_name,
    clean_text,
    fold_width,
    name_key,
    strip_glosses,
    to_simplified,
)

SETTINGS = settings(database=None, deadline=None, max_examples=300)


def to_fullwidth(text: str) -> str:
    """ASCII → full-width forms (U+FF01–U+FF5E), space → ideographic space (independent of the module)."""
    return "".join(
        "\u3000" if char == " " else chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text
    )


# Text rich in the things these functions care about: Han (traditional and simplified), pinyin with
# tones, parentheses in both widths, white space of several kinds, combining marks and ASCII.
_INTERESTING = list(
    "金田塑業业富隆化工辽遼宁寧开開味食品有限公司创創新ABCabcdeyèuàngzhōǖü()（）[]·.-　 \t\n\u0301"
)
_PIECES = [
    "業",
    "(yè)",
    "(ye)",
    "（yè）",
    "(chuàng)",
    "創",
    "(de)",
    "ABC",
    " ",
    "\u3000",
    "(",
    ")",
    "金田",
    "塑业",
]
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(_INTERESTING)),
    st.lists(st.sampled_from(_PIECES)).map("".join),
)


# --- fold_width -----------------------------------------------------------------------------------


def test_fold_width_maps_full_width_ascii_to_half_width():
    assert fold_width("ＡＢＣ１２３（ｙè）！～") == "ABC123(yè)!~"


def test_fold_width_maps_ideographic_space_to_space():
    assert fold_width("金田\u3000塑业") == "金田 塑业"


def test_fold_width_leaves_han_and_characters_just_outside_the_range():
    # U+FF00 and U+FF5F (⦅) are outside U+FF01–U+FF5E; Han and ASCII are untouched.
    assert fold_width("金田\uff00\uff5fabc") == "金田\uff00\uff5fabc"


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
@SETTINGS
def test_fold_width_undoes_full_width_for_all_printable_ascii(text):
    assert fold_width(to_fullwidth(text)) == text
    assert fold_width(text) == text


@given(st.text())
@SETTINGS
def test_fold_width_keeps_length_and_leaves_no_full_width_ascii(text):
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert not re.search("[\uff01-\uff5e\u3000]", folded)


# --- strip_glosses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("金田塑業(yè)", "金田塑業"),
        ("業(yè)", "業"),
        ("創(chuàng)", "創"),
        ("創(chuàng)新創(chuàng)業(yè)", "創新創業"),
        ("開(kāi)味(wèi)食品", "開味食品"),
        ("綠(lǜ)色", "綠色"),
    ],
)
def test_strip_glosses_removes_pinyin_after_a_han_character(raw, stripped):
    assert strip_glosses(raw) == stripped


@pytest.mark.parametrize("raw", ["ABC(de)", "(yè)", "金田 (yè)", "業(123)", "公司(ltd)"])
def test_strip_glosses_keeps_parentheses_not_glossing_a_han_character(raw):
    # Not after a Han character, separated by a space, not letters, or no vowel: not a gloss.
    assert strip_glosses(raw) == raw


def test_strip_glosses_does_not_touch_full_width_parentheses_before_folding():
    # clean_name folds width first; strip_glosses alone only knows half-width parentheses.
    assert strip_glosses("業（yè）") == "業（yè）"


# --- clean_text -----------------------------------------------------------------------------------


def test_clean_text_of_none_is_empty():
    assert clean_text(None) == ""


def test_clean_text_trims_collapses_and_folds():
    assert clean_text("  ＡＢＣ\u3000 科技\t\n有限公司  ") == "ABC 科技 有限公司"


def test_clean_text_normalises_to_nfc():
    assert clean_text("Cafe\u0301") == "Café"


def test_clean_text_keeps_glosses():
    assert clean_text("金田塑業(yè)") == "金田塑業(yè)"


# --- clean_name -----------------------------------------------------------------------------------


def test_clean_name_of_none_is_empty():
    assert clean_name(None) == ""


def test_clean_name_trims_and_collapses_spaces():
    assert clean_name("  金田   塑业 \t 有限公司  ") == "金田 塑业 有限公司"


def test_clean_name_folds_full_width_ascii():
    assert clean_name("ＡＢＣ\u3000科技（深圳）") == "ABC 科技(深圳)"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("金田塑業(yè)", "金田塑業"),
        ("創(chuàng)新", "創新"),
        ("創(chuàng)新創(chuàng)業(yè)", "創新創業"),
        ("金田塑業（ｙè）", "金田塑業"),
        (" 金田塑業(yè) 有限公司 ", "金田塑業 有限公司"),
    ],
)
def test_clean_name_strips_pinyin_glosses(raw, cleaned):
    assert clean_name(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"), [("ABC(de)", "ABC(de)"), ("ABC（de）", "ABC(de)"), ("ABC (de) 公司", "ABC (de) 公司")]
)
def test_clean_name_keeps_parentheses_after_non_han_text(raw, cleaned):
    assert clean_name(raw) == cleaned


def test_clean_name_keeps_traditional_script():
    # Only the key is simplified; the stored name keeps what was entered.
    assert clean_name("遼寧開味食品有限公司") == "遼寧開味食品有限公司"


# --- to_simplified --------------------------------------------------------------------------------


def test_to_simplified_converts_traditional_script():
    assert to_simplified("遼寧開味食品有限公司") == "辽宁开味食品有限公司"
    assert to_simplified("金田塑業") == "金田塑业"


# --- name_key -------------------------------------------------------------------------------------


KINTIAN_VARIANTS = [
    "金田塑業(yè)",
    "金田塑业",
    " 金田 塑业 ",
    "金田塑業",
    "金田\u3000塑業",
    "金田塑業（ｙè）",
    "\u3000金田塑业\u3000",
    "金田塑業（yè）",
]


@pytest.mark.parametrize("variant", KINTIAN_VARIANTS)
def test_name_key_is_equal_for_gloss_script_space_and_width_variants(variant):
    assert name_key(variant) == name_key("金田塑业")


def test_name_key_of_traditional_seed_name_equals_simplified():
    assert name_key("遼寧開味食品有限公司") == name_key("辽宁开味食品有限公司")


def test_name_key_differs_for_different_firms():
    assert name_key("金田塑业") != name_key("富隆化工")
    assert name_key("辽宁开味食品有限公司") != name_key("辽宁富隆食品有限公司")


def test_name_key_ignores_brackets_dots_and_dashes():
    assert name_key("金田塑业（深圳）有限公司") == name_key("金田塑业深圳有限公司")
    assert name_key("金田·塑业-有限公司.") == name_key("金田塑业有限公司")


def test_name_key_ignores_latin_case_and_width():
    assert name_key("ＡＢＣ科技") == name_key("abc科技") == name_key("ABC科技")


def test_name_key_of_none_and_blank_is_empty():
    assert name_key(None) == ""
    assert name_key("  \u3000 ") == ""


def test_name_key_of_clean_name_equals_name_key_for_a_doubled_gloss():
    raw = "業(yè)(yè)"
    assert name_key(clean_name(raw)) == name_key(raw)


def test_name_key_ignores_a_space_inside_a_phrase_that_opencc_converts_by_phrase():
    assert name_key("乾 坤科技有限公司") == name_key("乾坤科技有限公司")


# --- Properties -----------------------------------------------------------------------------------


@given(texts)
@SETTINGS
def test_name_key_of_clean_name_equals_name_key(text):
    assert name_key(clean_name(text)) == name_key(text)


@given(texts)
@SETTINGS
def test_clean_name_is_idempotent(text):
    once = clean_name(text)
    assert clean_name(once) == once


@given(texts)
@SETTINGS
def test_clean_name_has_no_surrounding_or_doubled_white_space(text):
    cleaned = clean_name(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not re.search(r"\s\s", cleaned)
    assert not re.search(r"[^\S ]", cleaned), "every remaining white space is a plain space"


@given(texts)
@SETTINGS
def test_clean_name_leaves_no_full_width_ascii(text):
    assert not re.search("[\uff01-\uff5e\u3000]", clean_name(text))


@given(texts)
@SETTINGS
def test_name_key_has_no_white_space_and_is_stable(text):
    key = name_key(text)
    assert not re.search(r"\s", key)
    assert name_key(text) == key


# Simplified and traditional Han characters whose t2s conversion does not depend on the neighbours,
# plus Latin letters and digits.
_PLAIN_NAME_CHARS = "金田塑業业富隆化工辽遼宁寧开開味食品有限公司科技创創新ABCxyz123"


@given(
    st.text(alphabet=_PLAIN_NAME_CHARS, min_size=1, max_size=12),
    st.lists(st.sampled_from([" ", "\u3000", "  ", "\t", "·", "-", "(", ")", "（", "）", "."]), max_size=12),
    st.randoms(use_true_random=False),
)
@SETTINGS
def test_name_key_ignores_spaces_and_punctuation_inserted_anywhere(name, noise, rnd):
    chars = list(name)
    for piece in noise:
        chars.insert(rnd.randint(0, len(chars)), piece)
    noisy = "".join(chars)
    assert name_key(noisy) == name_key(name)


@given(st.text(alphabet=_PLAIN_NAME_CHARS, min_size=1, max_size=12))
@SETTINGS
def test_name_key_ignores_full_width_and_surrounding_space(name):
    assert name_key(" \u3000" + to_fullwidth(name) + "\t") == name_key(name)


@given(
    st.text(alphabet="金田塑業开味食品", min_size=1, max_size=8),
    st.sampled_from(["(yè)", "(chuàng)", "(kāi)", "(lǜ)"]),
)
@SETTINGS
def test_a_pinyin_gloss_after_the_last_han_character_never_changes_the_key(name, gloss):
    assert clean_name(name + gloss) == name
    assert name_key(name + gloss) == name_key(name)


def test_parenthesised_latin_that_is_no_pinyin_syllable_is_kept():
    assert clean_name("科技(asia)") == "科技(asia)"
    assert clean_name("公司(china)") == "公司(china)"
    assert clean_name("盘锦(de)") == "盘锦"
