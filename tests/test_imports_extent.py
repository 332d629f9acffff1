"""A workbook whose sheet reaches past the row or column limit is refused before any reader builds it.

calamine builds a sheet as one grid from its first to its last cell: a 5 KB file with cells at A1 and
XFD1048576 asks for some 550 GB and aborts the process. The far-reaching files are first read in a child
process under a memory limit, so that on a reader without the check only that child dies.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from registry.imports import reader

from .import_helpers import rewrite_part, upload

ROOT = Path(__file__).resolve().parent.parent
SHEET = "xl/worksheets/sheet1.xml"
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


def tags(*cells: tuple[str, str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "标签"
    sheet.append(["代码", "名称"])
    sheet.append(["cloud", "企业上云"])
    for ref, value in cells:
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def without_cell_references(columns: int) -> bytes:
    """A row of ``columns`` cells that say no position (each follows the one before), as some writers do."""
    row = b'<row r="3">' + b"<c><v>1</v></c>" * columns + b"</row></sheetData>"
    return rewrite_part(tags(), SHEET, lambda xml: xml.replace(b"</sheetData>", row))


FAR_REACHING = {
    # what openpyxl writes for cells at A1 and XFD1048576: the declared range says it
    "declared": tags(("XFD1048576", "x")),
    # a declared range that lies (small) and a far cell
    "lying": rewrite_part(tags(), SHEET, lambda xml: xml.replace(b"</sheetData>", FAR)),
    # no declared range at all
    "undeclared": rewrite_part(
        tags(), SHEET, lambda xml: xml.replace(b'<dimension ref="A1:B2"/>', b"").replace(b"</sheetData>", FAR)
    ),
    # the far cell in a prefixed element, read by the XML parser rather than the quick scan
    "prefixed": rewrite_part(
        tags(),
        SHEET,
        lambda xml: (
            xml.replace(b"<worksheet ", b'<worksheet xmlns:s="' + MAIN + b'" ')
            .replace(b'<dimension ref="A1:B2"/>', b"")
            .replace(
                b"</sheetData>", b'<s:row r="2"><s:c r="XFD1048576"><s:v>1</s:v></s:c></s:row></sheetData>'
            )
        ),
    ),
}

CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from registry import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})
from registry.imports.reader import InputError, open_table
found = {}
with app.test_request_context():
    for path in sys.argv[1:]:
        try:
            open_table(open(path, "rb").read(), "标签.xlsx", ("标签",))
            found[path] = None
        except InputError as error:
            found[path] = error.message
print(json.dumps(found))
"""


def read_in_a_child(paths: list[Path]) -> dict:
    """open_table on each file in a process of its own with at most 2 GB of memory."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"the reader died (status {done.returncode}): {done.stderr[-500:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_sheet_reaching_past_the_limits_is_refused_before_it_is_read(client, auth, runner, tmp_path):
    paths = {}
    for name, content in FAR_REACHING.items():
        paths[name] = tmp_path / f"{name}.xlsx"
        paths[name].write_bytes(content)
    refused = read_in_a_child(list(paths.values()))
    for name, path in paths.items():
        assert refused[str(path)] is not None, f"{name}: read"
        assert "超出上限" in refused[str(path)] and "工作表“标签”" in refused[str(path)], name
    assert "声明范围A1:XFD1048576" in refused[str(paths["declared"])]
    assert "第1048576行" in refused[str(paths["lying"])]
    assert "单元格XFD1048576" in refused[str(paths["prefixed"])]

    # The reader refuses them in this process too, so the page and the command can be asked.
    for path in paths.values():
        command = runner.invoke(args=["import", str(path), "--kind", "tags", "--dry-run"])
        assert command.exit_code == 2 and "超出上限" in command.output
    guessed = runner.invoke(args=["import", str(paths["declared"]), "--dry-run"])
    assert guessed.exit_code == 2 and "声明范围A1:XFD1048576" in guessed.output
    auth.login("admin", roles=("admin",))
    page = upload(client, FAR_REACHING["lying"], "标签.xlsx", kind="tags")
    assert page.status_code == 200 and "超出上限（最多200000行数据、50列）" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("cells", "refused"),
    [
        ((("E4", "x"),), None),  # the last row and column allowed
        ((("F1", "x"),), "单元格F1"),
        ((("A5", "x"),), "第5行"),
    ],
)
def test_the_limits_count_the_header_row_and_every_column(ctx, monkeypatch, cells, refused):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    monkeypatch.setattr(reader, "MAX_COLUMNS", 5)
    content = rewrite_part(tags(*cells), SHEET, lambda xml: re.sub(rb"<dimension[^>]*>", b"", xml))
    if refused is None:
        assert reader.open_table(content, "标签.xlsx", ("标签",)).headers == ["代码", "名称"]
        return
    with pytest.raises(reader.InputError) as error:
        reader.open_table(content, "标签.xlsx", ("标签",))
    assert refused in error.value.message and "最多3行数据、5列" in error.value.message


def test_a_grid_of_too_many_cells_is_refused_though_each_limit_is_kept(ctx, monkeypatch):
    monkeypatch.setattr(reader, "MAX_CELLS", 10)
    assert reader.open_table(tags(("E2", "x")), "标签.xlsx", ("标签",)).headers == ["代码", "名称"]
    far = rewrite_part(tags(("E3", "x")), SHEET, lambda xml: re.sub(rb"<dimension[^>]*>", b"", xml))
    with pytest.raises(reader.InputError, match="使用范围A1:E3超过10个单元格"):
        reader.open_table(far, "标签.xlsx", ("标签",))
    with pytest.raises(reader.InputError, match="声明范围A1:E3超过10个单元格"):
        reader.open_table(tags(("E3", "x")), "标签.xlsx", ("标签",))


def test_cells_without_a_reference_are_counted_where_they_fall(ctx, monkeypatch):
    monkeypatch.setattr(reader, "MAX_COLUMNS", 5)
    assert reader.open_table(without_cell_references(5), "标签.xlsx", ("标签",)).headers == ["代码", "名称"]
    with pytest.raises(reader.InputError, match="单元格F3"):
        reader.open_table(without_cell_references(6), "标签.xlsx", ("标签",))


def test_column_letters_and_numbers_agree():
    from registry.imports import package

    for number in (1, 26, 27, 52, 53, 702, 703, 16384):
        assert package.column_number(package.column_letters(number)) == number
    assert package.column_letters(16384) == "XFD" and package.column_number("ax") == 50
    assert package.column_number("A" * 1_000_000) > 16384
