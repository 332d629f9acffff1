"""Account services shared by the sign-in page, the CLI and (later) the admin pages and the API."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import write_transaction
from ..domain import InputError
from ..domain.text import CONTROL
from ..enums import Role
from ..extensions import db
from ..models import ApiToken, Incubator, LoginAttempt, User, utcnow
from ..records.changelog import diff
from . import policy

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,50}")
# No 0/O, 1/l/I: passwords are read off a terminal and typed in.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 16) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


# The change log's name for changes made with ``flask --app registry users …`` (no signed-in user).
CLI_ACTOR = "命令行"

FAILURE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # then the account is locked for the rest of the window
ADDRESS_FAILURES = 20  # then the client address is blocked for the rest of the window


@dataclass
class SignIn:
    user: User | None
    locked: bool = False


def _clean_address(address: str) -> str:
    return CONTROL.sub("", address or "-")[:45]


def _failures(column, value) -> int:
    """Failed password checks for this account or address within the window."""
    since = utcnow() - FAILURE_WINDOW
    return db.session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.success.is_(False), LoginAttempt.at > since)
    )


def _throttled(username: str, address: str) -> bool:
    """Past a limit a password is refused without being looked at; the refusal counts as a failure too."""
    if (
        _failures(LoginAttempt.username, username) >= ACCOUNT_FAILURES
        or _failures(LoginAttempt.address, address) >= ADDRESS_FAILURES
    ):
        db.session.add(LoginAttempt(username=username, address=address, success=False))
        return True
    return False


def _wrong_password(action: str, user: User | None, actor: User | None, username: str, address: str) -> None:
    """Count a wrong password and log it; the attempt that reaches the account's limit logs the lockout."""
    earlier = _failures(LoginAttempt.username, username)
    db.session.add(LoginAttempt(username=username, address=address, success=False))
    _event(action, user, actor, address, username)
    if earlier + 1 == ACCOUNT_FAILURES:
        _event("lockout", user, actor, address, username)


def authenticate(username: str, password: str, address: str = "") -> SignIn:
    """Check a sign-in. Failures are counted per account and per address in the database, so the limits
    hold across every worker; past a limit the attempt is refused without looking at the password."""
    username = CONTROL.sub("", username or "").strip()[:50]
    address = _clean_address(address)
    with write_transaction():
        if _throttled(username, address):
            return SignIn(None, locked=True)
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            check_password_hash(_dummy_hash(), password or "")  # the same time as a real check
            ok = False
        else:
            ok = user.check_password(password or "")
        if ok:
            db.session.add(LoginAttempt(username=username, address=address, success=True))
            db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
            _event("login", user, user, address)
        else:
            _wrong_password("login_failed", user, None, username, address)
    return SignIn(db.session.get(User, user.id) if ok else None)


def _event(action: str, subject: User | None, actor: User | None, address: str, username: str = "") -> None:
    """Security events go to the change log too (who, what, from where)."""
    from ..records.changelog import log_change

    log_change(
        action,
        "user",
        subject,
        {"address": [None, address]},
        actor,
        None,
        username or (subject.username if subject else ""),
    )


def end_sessions(user_id: int) -> None:
    """Sign the user out everywhere: every session and remember-me cookie carries the old epoch."""
    with write_transaction():
        db.session.execute(
            update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1)
        )


def create_user(
    username: str,
    roles: list[str],
    incubator_ids: list[int] | None = None,
    display_name: str | None = None,
    must_change_password: bool = False,
    actor: User | None = None,
    department: str | None = None,
) -> tuple[User, str]:
    """Create a user with a generated password; returns the user and the password to show once.

    Logged with ``actor`` (None: the command line); the log holds the account's settings, never the
    password."""
    from ..records.errors import PermissionDenied

    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
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
    department = _department(department, roles, DepartmentMissing)
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
            display_name=_display_name(display_name, username),
            must_change_password=must_change_password,
            department=department,
        )
        user.set_password(password)
        user.roles = roles
        user.incubators = incubators
        db.session.add(user)
        db.session.flush()
        settings = _user_snapshot(user) | {"username": username, "must_change_password": must_change_password}
        _log_account("create", user, diff({}, settings), actor)
    return user, password


class CurrentPasswordRefused(InputError):
    """The current password was wrong, or too many wrong ones were tried: the message belongs beside it."""


def change_password(user_id: int, current: str, new: str, address: str = "") -> None:
    """Change a user's own password; the current one is required. Clears the must-change flag and ends
    every other session of the user.

    Wrong current passwords count against the same limits as sign-in (a stolen session must not become a
    way to guess the password) and are logged as security events."""
    address = _clean_address(address)
    refused = None
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise CurrentPasswordRefused(_("当前密码不正确"))
        if _throttled(user.username, address):
            refused = _("当前密码尝试次数过多，请%(n)d分钟后再试。", n=FAILURE_WINDOW.seconds // 60)
        elif not user.check_password(current or ""):
            _wrong_password("password_failed", user, user, user.username, address)
            refused = _("当前密码不正确")
        else:
            policy.check(new, user.username)
            if user.check_password(new):
                raise InputError(_("新密码不能与当前密码相同"))
            user.set_password(new)
            user.must_change_password = False
            user.session_epoch = (user.session_epoch or 0) + 1
            _event("password_changed", user, user, address)
    if refused:  # raised after the commit: the failed attempt and its log row are kept
        raise CurrentPasswordRefused(refused)


def update_user(
    actor: User | None,
    user_id: int,
    version,
    *,
    display_name: str,
    roles: list[str],
    incubator_ids: list[int],
    active: bool,
    department: str | None = None,
) -> User:
    """An admin changes a user's name, roles, incubators or status; logged like any record change."""
    from ..records.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed

    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    unknown = sorted(set(roles) - set(Role.codes()))
    if unknown or not roles:
        raise ValidationFailed.one("roles", _("角色：至少选择一个有效角色"))
    department = _department(department, roles, lambda message: ValidationFailed.one("department", message))
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
        user.display_name = _display_name(display_name, user.username)
        user.roles = roles
        user.incubators = incubators
        user.department = department
        if user.active and not active:
            user.session_epoch = (user.session_epoch or 0) + 1  # a deactivated user is signed out at once
        user.active = bool(active)
        try:
            db.session.flush()
            changes = diff(before, _user_snapshot(user))
            if changes and str(user.version) == str(version):
                user.version += 1  # roles and incubators are rows of other tables: they move it too
                db.session.flush()
        except StaleDataError:  # changed by another request since it was read
            raise StaleVersion(model=User, record_id=user.id) from None
        if changes:
            _log_account("update", user, changes, actor)
    return user


def reset_password(actor: User | None, user_id: int) -> str:
    """An admin gives a user a new one-time password; the user must change it at the next sign-in.

    A reset is what an admin does when an account may be in the wrong hands, so it also ends the user's
    sessions and revokes their API tokens (the operator issues new ones with ``users token``)."""
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
        user.session_epoch = (user.session_epoch or 0) + 1
        changes = {"password": ["***", "***"]}
        revoked = _revoke(_active_tokens(ApiToken.user_id == user.id))
        if revoked:
            changes["api_token"] = [revoked, []]
        _log_account("password_reset", user, changes, actor)
    return password


def _display_name(text: str | None, username: str) -> str:
    from ..domain.text import clean_text

    return clean_text(CONTROL.sub("", text or ""))[:100] or username


class DepartmentMissing(InputError):
    """A contributor without a department: the message belongs beside the department field."""


def _department(text: str | None, roles, refusal) -> str | None:
    """A contributor's department (required for that role), cleaned like any short text."""
    from ..domain.text import clean_text

    department = clean_text(CONTROL.sub("", text or ""))[:100] or None
    if Role.CONTRIBUTOR in roles and department is None:
        raise refusal(_("所属部门：部门填报人必须填写所属部门"))
    return department


def _user_snapshot(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "department": user.department,
        "roles": user.roles,
        "incubators": sorted(i.id for i in user.incubators),
        "active": user.active,
    }


def issue_token(username: str, actor: User | None = None) -> str:
    """A new API token for the user; only its hash is stored, and only its prefix is logged."""
    with write_transaction():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise InputError(_("用户“%(name)s”不存在", name=username))
        row, token = ApiToken.issue(user)
        db.session.add(row)
        db.session.flush()
        _log_account("token_created", user, {"api_token": [None, row.prefix]}, actor)
    return token


def revoke_token(prefix: str, actor: User | None = None) -> int:
    """Revoke the active tokens starting with ``prefix`` (the part shown in lists); one log row each."""
    prefix = (prefix or "").strip()
    if len(prefix) < 8:
        raise InputError(_("令牌前缀至少8个字符"))
    with write_transaction():
        rows = _active_tokens(ApiToken.prefix == prefix[:12])
        if not rows:
            raise InputError(_("没有以“%(prefix)s”开头的有效令牌", prefix=prefix))
        _revoke(rows)
        for row in rows:
            _log_account("token_revoked", row.user, {"api_token": [row.prefix, None]}, actor)
    return len(rows)


def _active_tokens(condition) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(condition, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
        )
    )


def _revoke(rows: list[ApiToken]) -> list[str]:
    """Revoke the tokens; returns their prefixes, for the log."""
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    return [row.prefix for row in rows]


def _log_account(action: str, user: User, changes: dict, actor: User | None) -> None:
    """A change to an account or its tokens, filed under the account (its username as the label).

    No actor means the ``users`` command line (or ``setup``), and the log says so."""
    from ..records.changelog import log_change

    row = log_change(action, "user", user, changes, actor, None, user.username)
    if actor is None:
        row.user_name = CLI_ACTOR


def tokens_of(username: str) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).join(User).where(User.username == username).order_by(ApiToken.created_at)
        )
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))
