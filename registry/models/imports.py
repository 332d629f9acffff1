"""Column mappings confirmed for imports, offered again for the next file with the same headers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class ImportMapping(db.Model):
    """Which field each column fills, as a user confirmed it for a file of one import kind whose headers,
    normalised (imports/guess.normalise), are ``headers``. A preference kept for the next such file, not a
    record of the registry: it has no version and no change log."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("kind", "headers_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # the import spec's name (enterprises, …)
    headers_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of ``headers`` (a long list indexes badly)
    headers: Mapped[list] = mapped_column(JSON)  # the normalised headers, in the file's order
    columns: Mapped[list] = mapped_column(JSON)  # per column: a field's name, "id", or null (left out)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who confirmed it last
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
