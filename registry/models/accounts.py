"""Users, their roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..enums import Role
from ..extensions import db
from .base import RecordMixin, enum_check, enum_length, utcnow
from .incubation import Incubator, incubator_managers


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (enum_check("role", Role),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(enum_length(Role), primary_key=True)


class User(RecordMixin, UserMixin, db.Model):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of the session's identity: bumping it signs the user out everywhere (sign-out, new password,
    # deactivation), however many cookies are still around.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locale: Mapped[str | None] = mapped_column(String(10))
    # The office a contributor (部门填报人) fills in for: report sections and figures are assigned by it.
    department: Mapped[str | None] = mapped_column(String(100))

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    incubators: Mapped[list[Incubator]] = relationship(
        secondary=incubator_managers, back_populates="managers", order_by=Incubator.name
    )

    @property
    def roles(self) -> list[str]:
        return sorted(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, codes) -> None:
        wanted = set(codes)
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=code) for code in sorted(wanted - {r.role for r in self.role_rows})
        ]

    def has_role(self, *roles: str) -> bool:
        mine = set(self.roles)
        return Role.ADMIN in mine or bool(mine.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch or 0}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        """A new token for ``user``: the row to store and the plain token to show once."""
        token = "reg_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=cls.hash(token), prefix=token[:12]), token


class LoginAttempt(db.Model):
    """One sign-in attempt, kept in the database so throttling holds across every worker."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        db.Index("ix_login_attempts_username_at", "username", "at"),
        db.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(45))
    success: Mapped[bool] = mapped_column(Boolean, default=False)
