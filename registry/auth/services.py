"""Account services shared by the sign-in page, the CLI and (later) the admin pages and the API."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select, update
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
    # A plain UPDATE: signing in is not an edit of the account, so it leaves the version alone.
    with write_transaction():
        db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    return db.session.get(User, user.id)


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


def update_user(
    actor: User | None,
    user_id: int,
    version,
    *,
    display_name: str,
    roles: list[str],
    incubator_ids: list[int],
    active: bool,
) -> User:
    """An admin changes a user's name, roles, incubators or status; logged like any record change."""
    from ..records.changelog import diff, log_change
    from ..records.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed

    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    unknown = sorted(set(roles) - set(Role.codes()))
    if unknown or not roles:
        raise ValidationFailed.one("roles", _("角色：至少选择一个有效角色"))
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound()
        if str(user.version) != str(version):
            raise StaleVersion(user)
        if actor is not None and user.id == actor.id and (Role.ADMIN not in roles or not active):
            raise ValidationFailed.one("roles", _("不能取消自己的管理员角色或停用自己"))
        incubators = [db.session.get(Incubator, i) for i in incubator_ids]
        if any(i is None for i in incubators):
            raise ValidationFailed.one("incubators", _("负责的孵化载体：所选孵化载体不存在"))
        before = _user_snapshot(user)
        user.display_name = (display_name or user.username).strip()[:100]
        user.roles = roles
        user.incubators = incubators
        user.active = bool(active)
        db.session.flush()
        changes = diff(before, _user_snapshot(user))
        if changes:
            log_change("update", "user", user, changes, actor, None, user.username)
    return user


def reset_password(actor: User | None, user_id: int) -> str:
    """An admin gives a user a new one-time password; the user must change it at the next sign-in."""
    from ..records.changelog import log_change
    from ..records.errors import NotFound, PermissionDenied

    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    password = generate_password()
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound()
        user.set_password(password)
        user.must_change_password = True
        log_change("update", "user", user, {"password": ["***", "***"]}, actor, None, user.username)
    return password


def _user_snapshot(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "roles": user.roles,
        "incubators": sorted(i.id for i in user.incubators),
        "active": user.active,
    }


def issue_token(username: str) -> str:
    """A new API token for the user; only its hash is stored."""
    with write_transaction():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputError(_("用户“%(name)s”不存在", name=username))
        row, token = ApiToken.issue(user)
        db.session.add(row)
    return token


def revoke_token(prefix: str) -> int:
    """Revoke the active tokens starting with ``prefix`` (the part shown in lists)."""
    prefix = (prefix or "").strip()
    if len(prefix) < 8:
        raise InputError(_("令牌前缀至少8个字符"))
    with write_transaction():
        rows = db.session.scalars(
            select(ApiToken).where(ApiToken.prefix == prefix[:12], ApiToken.revoked_at.is_(None))
        ).all()
        if not rows:
            raise InputError(_("没有以“%(prefix)s”开头的有效令牌", prefix=prefix))
        for row in rows:
            row.revoked_at = utcnow()
    return len(rows)


def tokens_of(username: str) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).join(User).where(User.username == username).order_by(ApiToken.created_at)
        )
    )


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))
