"""Password policy (ASVS 5.0 L1): at least 12 characters, no composition rules, not a common password."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from flask_babel import gettext as _

from ..domain import InputError

MIN_LENGTH = 12
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("registry.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line and not line.startswith("#"))


def check(password: str, username: str = "") -> str:
    """Return the password, or raise InputError with the reason it is refused."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InputError(_("密码至少需要%(n)d个字符", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise InputError(_("密码不能超过%(n)d个字符", n=MAX_LENGTH))
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise InputError(_("密码不能包含用户名"))
    core = re.sub(r"[\d\W_]+$", "", lowered)  # "password2024!" is still "password"
    common = common_passwords()
    if lowered in common or core in common or len(set(password)) <= 2:
        raise InputError(_("这是常见密码或过于简单，容易被猜中，请换一个（可以用一句好记的话）"))
    return password
