"""Uploaded files kept between preview and confirm (in the instance folder, owner-only, for a day)."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE = 24 * 3600


def folder() -> Path:
    path = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(content: bytes, filename: str, kind: str, user_id: int | None) -> str:
    _sweep()
    token = secrets.token_urlsafe(18)
    (folder() / f"{token}.bin").write_bytes(content)
    (folder() / f"{token}.json").write_text(
        json.dumps({"filename": filename, "kind": kind, "user_id": user_id})
    )
    return token


def load(token: str, user_id: int | None) -> tuple[bytes, dict] | None:
    """The upload and its facts, only for the user who uploaded it."""
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 40:
        return None
    data, meta = folder() / f"{token}.bin", folder() / f"{token}.json"
    if not data.exists() or not meta.exists():
        return None
    facts = json.loads(meta.read_text())
    if facts.get("user_id") != user_id:
        return None
    return data.read_bytes(), facts


def discard(token: str) -> None:
    for suffix in (".bin", ".json"):
        (folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder().glob("*.*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
