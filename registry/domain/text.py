"""Names and text: width folding, pinyin glosses, traditional script and the duplicate key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Full-width ASCII (U+FF01–U+FF5E) maps to ASCII by a fixed offset; U+3000 is the ideographic space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# A simplified-to-traditional converter on some web pages inserts the pinyin of a character after it:
# "創(chuàng)新創(chuàng)業(yè)". A gloss is one pinyin syllable in parentheses right after a Han character.
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ"
_GLOSS = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff])\((?=[{_PINYIN_LETTERS}]*[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[{_PINYIN_LETTERS}]{{1,7}}\)"
)
_SPACES = re.compile(r"\s+")
# Characters that do not tell two firms apart: spaces, brackets, dots and dashes.
_KEY_NOISE = re.compile(r"[\s()\[\]{}<>\"'“”‘’《》〈〉【】「」·•.,，、。\-_—–/\\]+")


def fold_width(text: str) -> str:
    """Full-width ASCII characters and the ideographic space to their half-width forms."""
    return text.translate(_WIDTH)


def strip_glosses(text: str) -> str:
    """Remove inserted pinyin glosses: ``金田塑業(yè)`` → ``金田塑業``."""
    return _GLOSS.sub("", text)


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


def name_key(text: str | None) -> str:
    """The duplicate key: equal for ``金田塑業(yè)``, ``金田塑业`` and ``金田 塑业``."""
    name = to_simplified(clean_name(text)).casefold()
    return _KEY_NOISE.sub("", name)
