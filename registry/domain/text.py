"""Names and text: width folding, pinyin glosses, traditional script and the duplicate key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from .radicals import EQUIVALENT_IDEOGRAPH

# Full-width ASCII (U+FF01–U+FF5E) maps to ASCII by a fixed offset; U+3000 is the ideographic space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Radicals and strokes drawn like an ideograph (⾦ U+2FA6 for 金): Kangxi radicals by their NFKC mapping,
# the CJK Radicals Supplement and CJK Strokes by Unicode's table of equivalent ideographs.
_LOOK_ALIKES = {
    code: ord(unicodedata.normalize("NFKC", chr(code))) for code in range(0x2F00, 0x2FD6)
} | EQUIVALENT_IDEOGRAPH
_FOLD = _WIDTH | _LOOK_ALIKES

# Characters that show nothing: format characters (Unicode category Cf: zero-width space and joiners, the
# BOM, soft hyphen, word joiner, bidi marks and overrides, tags) and the other default-ignorable code points
# (variation selectors, the combining grapheme joiner, Hangul fillers). In a name they only serve to make
# two equal names differ; in other text they hide or reorder what is shown.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)

# A simplified-to-traditional converter on some web pages inserts the pinyin of a character after it:
# "創(chuàng)新創(chuàng)業(yè)". A gloss is one pinyin syllable in parentheses right after a Han character;
# "科技(asia)" is left alone because "asia" is no syllable.
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|üan|ian|iao|ai|ei|ao|ou|an|en|in|un|ün|ia|ie|iu"
    r"|ua|uo|ue|üe|ui|er|a|o|e|i|u|ü|v)"
    r"|hm|ng|m|n"
)
_GLOSS = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff])\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7})\)")
_SPACES = re.compile(r"\s+")
# Characters that do not tell two firms apart: spaces, brackets, dots and dashes.
_KEY_NOISE = re.compile(r"[\s()\[\]{}<>\"'“”‘’《》〈〉【】「」·•.,，、。\-_—–/\\]+")


# C0 controls other than tab and line breaks, DEL, and NUL: never stored (PostgreSQL refuses NUL outright);
# and lone surrogates (JSON's "\ud800"), which are no characters: neither database can store them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control(text) -> bool:
    return isinstance(text, str) and CONTROL.search(text) is not None


def fold_width(text: str) -> str:
    """Full-width ASCII characters and the ideographic space to their half-width forms."""
    return text.translate(_WIDTH)


def drop_stray_marks(text: str) -> str:
    """Combining marks that belong to no letter: on an ideograph, a digit, a space or nothing.

    A mark on a Latin, Cyrillic, Thai… letter is part of how that name is spelled and stays; on a Chinese
    character it has no meaning and only makes the name differ from the same name without it.
    """
    if text.isascii():
        return text
    kept: list[str] = []
    carries_marks = False
    for char in text:
        kind = _kind(char)
        if kind is _MARK:
            if carries_marks:
                kept.append(char)
            continue
        carries_marks = kind is _CARRIES_MARKS
        kept.append(char)
    return "".join(kept)


_MARK, _CARRIES_MARKS, _OTHER = "mark", "carries marks", "other"


@lru_cache(maxsize=65536)
def _kind(char: str) -> str:
    """A combining mark, a letter that carries marks (not an ideograph), or anything else (asked once per
    character: a name's characters recur)."""
    category = unicodedata.category(char)[0]
    if category == "M":
        return _MARK
    return _CARRIES_MARKS if category == "L" and not _is_ideograph(char) else _OTHER


def _is_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def is_pinyin_syllable(text: str) -> bool:
    return _SYLLABLE.fullmatch(text.translate(_TONELESS)) is not None


def strip_glosses(text: str) -> str:
    """Remove inserted pinyin glosses: ``金田塑業(yè)`` → ``金田塑業``, repeated glosses included."""

    def drop(match: re.Match) -> str:
        return "" if is_pinyin_syllable(match.group(1)) else match.group(0)

    # A gloss that followed another gloss only follows a Han character once the first is gone.
    while True:
        stripped = _GLOSS.sub(drop, text)
        if stripped == text:
            return text
        text = stripped


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def clean_text(text: str | None) -> str:
    """Trim, collapse runs of white space to one space, fold full-width ASCII and radicals drawn like an
    ideograph, and drop invisible characters (:data:`INVISIBLE`)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text).translate(_FOLD))
    return _SPACES.sub(" ", text).strip()


def clean_name(text: str | None) -> str:
    """A name as stored and shown: :func:`clean_text` in compatibility form (NFKC: ① → 1, ㈱ → (株)),
    without combining marks on Chinese characters and without inserted pinyin glosses."""
    text = drop_stray_marks(unicodedata.normalize("NFKC", clean_text(text)))
    return clean_text(strip_glosses(clean_text(text)))


@lru_cache(maxsize=4096)
def name_key(text: str | None) -> str:
    """The duplicate key: equal for ``金田塑業(yè)``, ``金田塑业``, ``金田 塑业`` and ``金\u200b田塑业``."""
    # Drop spaces and punctuation before converting: OpenCC converts by phrase, so "乾 坤" and "乾坤"
    # would otherwise come out differently. Cached: an import asks for the same row's key several times.
    # Every combining mark goes: the key only has to tell firms apart, and a mark on a letter is one more
    # way to make a look-alike.
    key = _KEY_NOISE.sub("", clean_name(text))
    key = "".join(char for char in key if unicodedata.category(char)[0] != "M")
    return to_simplified(key).casefold()
