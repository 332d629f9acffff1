"""Account services shared by the sign-in page, the CLI and (later) the admin pages and the API."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import write_transaction
from ..domain import InputError
from ..enums import Role
from ..extensions import db
from ..models import ApiToken, Incubator, User, utcnow

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,50}")
# No 0/O, 1/l/I: passwords are read off a terminal and typed in.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 16) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None (the same for every failure)."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.active:
        # Spend the same time as a real check, so timing does not reveal unknown usernames.
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    with write_transaction():
        user = db.session.get(User, user.id)
        user.last_login_at = utcnow()
    return user


def create_user(
    username: str,
    roles: list[str],
    incubator_ids: list[int] | None = None,
    display_name: str | None = None,
    must_change_password: bool = False,
) -> tuple[User, str]:
    """Create a user with a generated password; returns the user and the password to show once."""
    username = (username or "").strip()
    if not USERNAME.fullmatch(username):
        raise InputError(_("用户名应为2–50位字母、数字或 _ . -"))
    unknown = sorted(set(roles) - set(Role.codes()))
    if unknown or not roles:
        raise InputError(
            _(
                "角色无效：%(roles)s（可选：%(codes)s）",
                roles=", ".join(unknown) or "-",
                codes=", ".join(Role.codes()),
            )
        )
    password = generate_password()
    with write_transaction():
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise InputError(_("用户名“%(name)s”已存在", name=username))
        incubators = []
        for incubator_id in incubator_ids or []:
            incubator = db.session.get(Incubator, incubator_id)
            if incubator is None:
                raise InputError(_("孵化载体 %(id)s 不存在", id=incubator_id))
            incubators.append(incubator)
        user = User(
            username=username,
            display_name=(display_name or username).strip(),
            must_change_password=must_change_password,
        )
        user.set_password(password)
        user.roles = roles
        user.incubators = incubators
        db.session.add(user)
    return user, password


MIN_PASSWORD_LENGTH = 12


def change_password(user_id: int, current: str, new: str) -> None:
    """Change a user's own password; the current one is required. Clears the must-change flag."""
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise InputError(_("新密码至少需要%(n)d个字符", n=MIN_PASSWORD_LENGTH))
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or not user.check_password(current or ""):
            raise InputError(_("当前密码不正确"))
        if user.check_password(new):
            raise InputError(_("新密码不能与当前密码相同"))
        user.set_password(new)
        user.must_change_password = False


def issue_token(username: str) -> str:
    """A new API token for the user; only its hash is stored."""
    with write_transaction():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputError(_("用户“%(name)s”不存在", name=username))
        row, token = ApiToken.issue(user)
        db.session.add(row)
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))
