"""统一社会信用代码 (GB 32100-2015): normalisation, check character and validation with reasons."""

from __future__ import annotations

from flask_babel import gettext as _

from . import InputError
from .text import fold_width

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, …
LENGTH = 18


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must already be in the alphabet)."""
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(raw: str) -> str:
    """Fold full-width characters, strip surrounding spaces and upper-case; nothing else is changed."""
    return fold_width(raw).strip().upper()


def validate_uscc(raw: str) -> str:
    """Return the normalised code, or raise :class:`InputError` saying why it is not a valid USCC."""
    code = normalise_uscc(raw)
    if len(code) != LENGTH:
        raise InputError(
            _("应为18位，实际为%(n)d位", n=len(code)),
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            raise InputError(
                _(
                    "第%(pos)d位的字符“%(char)s”不允许（不使用I、O、S、V、Z）",
                    pos=position,
                    char=char,
                ),
                code="character",
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InputError(
            _(
                "校验码错误（第18位应为“%(expected)s”，实际为“%(actual)s”）",
                expected=expected,
                actual=code[17],
            ),
            code="check",
        )
    return code
