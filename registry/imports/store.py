"""Previewed import runs kept between preview and confirm (in the instance folder, owner-only, for a day):
the uploaded file, its kind, user and column mapping, and the rows in error that the preview found, so the
error workbook is made without validating again."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

from .run import Mapping

if TYPE_CHECKING:
    from .run import ImportRun

MAX_AGE = 24 * 3600
SUFFIXES = (".bin", ".json", ".errors.json", ".errors.xlsx")


def folder() -> Path:
    path = Path(current_app.config.get("IMPORT_FOLDER") or Path(current_app.instance_path) / "imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:  # made by an earlier version, or by hand
        path.chmod(0o700)
    return path


def _write(path: Path, data: bytes) -> None:
    """Write a file that only the owner can read: the mode is given as it is created, never widened."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def save(run: ImportRun) -> str:
    """Keep a previewed run: its file, kind, user and column mapping, and the rows its preview found in
    error. Returns the token that names it."""
    token = save_upload(run.spec.name, run.user, run.content, run.filename, run.mapping)
    save_errors(token, run.result.errors if run.result is not None else ())
    return token


def save_upload(kind: str, user, content: bytes, filename: str, mapping: Mapping | None) -> str:
    """Keep an upload of ``kind`` by ``user``: with the mapping it is read through, or (None) one whose
    columns are still to be mapped. Returns the token that names it."""
    _sweep()
    token = secrets.token_urlsafe(18)
    _write(folder() / f"{token}.bin", content)
    _write_facts(token, {"filename": filename, "kind": kind, "user_id": getattr(user, "id", None)}, mapping)
    return token


def save_mapping(token: str, facts: dict, mapping: Mapping) -> None:
    """The mapping a kept upload is read through from now on (the user confirmed it)."""
    _write_facts(token, facts, mapping)


def _write_facts(token: str, facts: dict, mapping: Mapping | None) -> None:
    facts = {**facts, "mapping": list(mapping.columns) if mapping is not None else None}
    _write(folder() / f"{token}.json", json.dumps(facts).encode())


def mapping(facts: dict) -> Mapping | None:
    """The column mapping a kept run was previewed with (None for an upload kept without one)."""
    columns = facts.get("mapping")
    if not isinstance(columns, list) or not all(c is None or isinstance(c, str) for c in columns):
        return None
    return Mapping(tuple(columns))


def save_errors(token: str, errors: Iterable[tuple[int, str]]) -> None:
    """Keep the rows in error of the upload's last validation: (row, "列名：原因") pairs."""
    rows = [[row, str(message)] for row, message in errors]
    (folder() / f"{token}.errors.xlsx").unlink(missing_ok=True)  # made from the reasons this replaces
    _write(folder() / f"{token}.errors.json", json.dumps(rows, ensure_ascii=False).encode())


def save_error_report(token: str, workbook: bytes) -> None:
    """Keep the error workbook the preview job made, so a download only sends it."""
    _write(folder() / f"{token}.errors.xlsx", workbook)


def load_error_report(token: str) -> bytes | None:
    path = folder() / f"{token}.errors.xlsx"
    return path.read_bytes() if path.exists() else None


def load_errors(token: str) -> list[tuple[int, str]] | None:
    """The rows in error kept with the upload, or None when there are none kept (an older upload)."""
    path = folder() / f"{token}.errors.json"
    if not path.exists():
        return None
    return [(int(row), str(message)) for row, message in json.loads(path.read_text())]


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
    for suffix in SUFFIXES:
        (folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep() -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder().glob("*.*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
