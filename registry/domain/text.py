"""Names and text: width folding, pinyin glosses, traditional script and the duplicate key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Full-width ASCII (U+FF01–U+FF5E) maps to ASCII by a fixed offset; U+3000 is the ideographic space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

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
    """Trim, collapse runs of white space to one space and fold full-width ASCII."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", fold_width(text))
    return _SPACES.sub(" ", text).strip()


def clean_name(text: str | None) -> str:
    """A name as stored and shown: :func:`clean_text` without inserted pinyin glosses."""
    return clean_text(strip_glosses(clean_text(text)))


@lru_cache(maxsize=4096)
def name_key(text: str | None) -> str:
    """The duplicate key: equal for ``金田塑業(yè)``, ``金田塑业`` and ``金田 塑业``."""
    # Drop spaces and punctuation before converting: OpenCC converts by phrase, so "乾 坤" and "乾坤"
    # would otherwise come out differently. Cached: an import asks for the same row's key several times.
    return to_simplified(_KEY_NOISE.sub("", clean_name(text))).casefold()
