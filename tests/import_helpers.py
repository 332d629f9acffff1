"""Helpers shared by the import tests: small workbooks and CSV files, and a preview run."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from registry.extensions import db
from registry.imports.run import Decisions, ImportRun
from registry.imports.spec import BY_NAME

FIXTURES = Path(__file__).parent / "fixtures"
HEADERS = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "从业人数"]


def xlsx(rows, headers=HEADERS, title="企业") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def two_sheets() -> bytes:
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.create_sheet("Sheet2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def preview(
    content, filename="企业.xlsx", kind="enterprises", commit=False, valid_only=False, decisions=None
):
    """The result of a preview (or with ``commit``, of writing) ``content`` as the system user."""
    run = ImportRun.open(
        BY_NAME[kind], None, content, filename, decisions=Decisions(decisions or {}, valid_only)
    )
    return run.commit() if commit else run.preview()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def rewrite_part(content: bytes, part: str, change) -> bytes:
    """The workbook with one part's bytes passed through ``change`` (for files no writer would make)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == part else data)
    return buffer.getvalue()


def upload(client, content: bytes, filename: str, kind: str = "enterprises"):
    return client.post(
        "/imports/",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
