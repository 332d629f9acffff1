"""Broken and mixed-up files: refused with the reason on the page and exit status 2, never a 500, a
traceback or text stored garbled."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import Workbook

from registry.imports import reader
from registry.imports.service import FileError
from registry.models import Enterprise, Tag

from .factories import uscc
from .import_helpers import HEADERS, count, csv_bytes, preview, rewrite_part, upload, xlsx

SHEET = "xl/worksheets/sheet1.xml"


def with_formula() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(HEADERS)
    sheet.append(["甲公司", uscc(), "企业", "太平街道", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def mixed_csv() -> bytes:
    """Two rows in UTF-8 and the third (a row pasted from another file) in GBK."""
    header = ",".join(HEADERS).encode("utf-8")
    first = f"甲公司,{uscc()},企业,太平街道,1".encode()
    pasted = f"乙科技有限公司,{uscc()},企业,太平街道,2".encode("gbk")
    return b"\r\n".join([header, first, pasted]) + b"\r\n"


def without_part(content: bytes, missing: str) -> bytes:
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != missing:
                target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


GOOD = xlsx([["甲公司", uscc(), "企业", "太平街道", "3"]])
NOISE = bytes(random.Random(7).randrange(256) for _ in range(3000))
BROKEN = {
    "truncated zip": (GOOD[: len(GOOD) // 2], "企业.xlsx"),
    "random bytes as xlsx": (b"PK\x03\x04" + NOISE, "企业.xlsx"),
    "mangled sheet XML": (
        rewrite_part(GOOD, SHEET, lambda xml: xml.replace(b'<row r="2">', b'<row r="2"')),
        "企业.xlsx",
    ),
    "formula and mangled sheet XML": (
        rewrite_part(with_formula(), SHEET, lambda xml: xml.replace(b"</row>", b"</rox>", 1)),
        "企业.xlsx",
    ),
    "no workbook part": (without_part(GOOD, "xl/workbook.xml"), "企业.xlsx"),
    "no sheet part": (without_part(GOOD, SHEET), "企业.xlsx"),
    "a DOCTYPE in the sheet": (
        rewrite_part(
            GOOD, SHEET, lambda xml: b"<!DOCTYPE x [<!ENTITY e 'A'>]>" + xml.replace(b"<row", b"<x:row")
        ),
        "企业.xlsx",
    ),
    "random bytes as csv": (NOISE, "企业.csv"),
    "NUL in a csv": (csv_bytes([["甲\x00公司", uscc(), "企业", "太平街道", "1"]]), "企业.csv"),
    "a field past the csv limit": (
        csv_bytes([["x" * 140_000, uscc(), "企业", "太平街道", "1"]]),
        "企业.csv",
    ),
    "UTF-8 BOM then GBK": (
        b"\xef\xbb\xbf" + csv_bytes([["甲公司", uscc(), "企业", "太平街道", "1"]], encoding="gbk"),
        "企业.csv",
    ),
    "rows in two encodings": (mixed_csv(), "企业.csv"),
}


def refusal(content: bytes, filename: str) -> str:
    """The reason the reader or the import gives; any other exception fails the test."""
    with pytest.raises((FileError, reader.InputError)) as refused:
        preview(content, filename)
    return refused.value.message


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_is_refused_with_a_reason_on_the_page_and_exit_2(
    client, auth, runner, app, tmp_path, name
):
    content, filename = BROKEN[name]
    with app.test_request_context():
        reason = refusal(content, filename)
    assert reason
    auth.login("sb", roles=("science_bureau",))
    page = upload(client, content, filename)
    assert page.status_code == 200 and str(escape(reason)) in page.get_data(as_text=True)
    path = tmp_path / filename
    path.write_bytes(content)
    command = runner.invoke(args=["import", str(path), "--kind", "enterprises", "--dry-run"])
    assert command.exit_code == 2 and f"Refused: {reason}" in command.output
    with app.app_context():
        assert count(Enterprise) == 0


def test_rows_in_two_encodings_are_refused_naming_the_odd_row(town):
    assert refusal(mixed_csv(), "企业.csv") == (
        "第3行不是UTF-8编码，而文件其余部分是：请把整个文件另存为UTF-8或GBK编码"
    )
    mostly_gbk = csv_bytes(
        [[f"{n}号科技有限公司", uscc(), "企业", "太平街道", "1"] for n in "一二三"], encoding="gbk"
    ).replace(b"\r\n", b"\r\n" + f"丁公司,{uscc()},企业,太平街道,1\r\n".encode(), 1)
    assert refusal(mostly_gbk, "企业.csv") == (
        "第2行是UTF-8编码，而文件其余部分不是：请把整个文件另存为UTF-8或GBK编码"
    )
    assert "但第1行不是UTF-8编码" in refusal(BROKEN["UTF-8 BOM then GBK"][0], "企业.csv")
    assert count(Enterprise) == 0


def test_a_file_all_in_gbk_imports_even_with_short_rows(ctx):
    names = ["企业上云", "科创", "专精特新", "小巨人", "瞪羚", "独角兽", "孵化", "众创", "双创", "上市"]
    content = csv_bytes(
        [[f"t{i}", name] for i, name in enumerate(names)], headers=["代码", "名称"], encoding="gbk"
    )
    result = preview(content, "标签.csv", "tags", commit=True)
    assert result.error_lines() == [] and result.created == len(names)
    assert count(Tag) == len(names)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_corrupted_workbooks_are_refused_or_read_never_raise_anything_else(ctx, data):
    source = with_formula() if data.draw(st.booleans()) else GOOD
    part = zipfile.ZipFile(io.BytesIO(source)).read(SHEET)
    at = data.draw(st.integers(0, len(part) - 1))
    size = data.draw(st.integers(1, 8))
    noise = data.draw(st.binary(min_size=0, max_size=8))
    content = rewrite_part(source, SHEET, lambda xml: xml[:at] + noise + xml[at + size :])
    try:
        preview(content, "企业.xlsx")
    except (FileError, reader.InputError) as error:
        assert error.message and not re.search(r"Traceback|Error\(", error.message)
