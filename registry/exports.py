"""CSV and XLSX exports of lists, streamed, with cells escaped against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response, send_file, stream_with_context
from openpyxl import Workbook

# A cell starting with one of these is a formula to Excel, WPS and LibreOffice (or becomes one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return escape_cell(str(value)) if not isinstance(value, (int, float, Decimal)) else value


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


Column = tuple[str, Callable[[object], object]]


def csv_response(filename: str, columns: list[Column], rows: Iterable) -> Response:
    """Stream rows as UTF-8 CSV with a BOM (so Excel reads the Chinese right)."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([str(header) for header, _get in columns])
        for row in rows:
            writer.writerow([_csv_value(get(row)) for _header, get in columns])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return escape_cell(value)


def write_xlsx(out, columns: list[Column], rows: Iterable, sheet: str = "Sheet1") -> None:
    """Write rows to ``out`` with openpyxl's write-only workbook (memory stays flat)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([str(header) for header, _get in columns])
    for row in rows:
        worksheet.append([_xlsx_value(get(row)) for _header, get in columns])
    workbook.save(out)


def xlsx_response(filename: str, columns: list[Column], rows: Iterable, sheet: str = "Sheet1") -> Response:
    """The rows as an XLSX download (a list too long to write inside a request is exported as a job:
    web/record_pages.py, jobs/exports.py)."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 — send_file closes it
    write_xlsx(spool, columns, rows, sheet)
    spool.seek(0)
    response = send_file(
        spool,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=filename,
    )
    return response
