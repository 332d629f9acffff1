"""Reading uploaded tables: XLSX (streaming, formulas never evaluated) and CSV (UTF-8 or GB18030, comma
or tab). Anything that is not a readable table of the kind its name says is refused with the reason."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from ..domain import InputError
from .package import Limits, inspect

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 50  # the widest kind (enterprises) has 17 columns and an optional 编号
MAX_CELLS = 4_000_000  # a full file of the widest kind (200,001 × 18) and little more: ~130 MB in calamine
MAX_EXPANDED = 256 * 1024 * 1024  # a workbook's parts once unzipped: refuses "zip bombs" before reading
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE compound files
_ZIP = b"PK\x03\x04"


@dataclass
class Table:
    sheet: str  # the sheet's name (CSV: the file name)
    headers: list[str]
    rows: Iterator[tuple[int, list]]  # (row number as the user sees it, cell values)


class NoSheet(InputError):
    """The workbook has no sheet of the names asked for (the command line then tries another kind)."""


class Formula(str):
    """A cell that holds a formula: refused (a formula is never evaluated)."""


def open_table(content: bytes, filename: str, sheet_names: tuple[str, ...] = ()) -> Table:
    """The table in ``content``; for a workbook, the first sheet whose name is one of ``sheet_names``
    (or the first sheet when none is given)."""
    if not content:
        raise InputError(_("文件是空的"))
    if len(content) > MAX_BYTES:
        raise InputError(_("文件超过%(n)dMB上限", n=MAX_BYTES // 1024 // 1024))
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _xlsx(content, sheet_names)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _csv(content, filename)
    if name.endswith(".xls"):
        raise InputError(_("不支持旧版Excel（.xls），请在Excel或WPS中另存为.xlsx后再导入"))
    raise InputError(_("只能导入.xlsx或.csv文件"))


def _xlsx(content: bytes, sheet_names: tuple[str, ...]) -> Table:
    if content.startswith(_OLE):
        raise InputError(_("工作簿设置了打开密码或不是.xlsx格式，请取消密码并另存为.xlsx后再导入"))
    if not content.startswith(_ZIP):
        raise InputError(_("文件内容不是Excel工作簿（.xlsx），请检查文件类型"))
    # calamine reads values fast but cannot tell a formula from its cached result; a workbook with any
    # formula goes through openpyxl, which marks each formula cell so its row is refused.
    if _scan(content):
        return _xlsx_openpyxl(content, sheet_names)
    return _xlsx_calamine(content, sheet_names)


def _scan(content: bytes) -> bool:
    """Does any worksheet hold a formula? Refuses first a workbook that would unzip past MAX_EXPANDED or
    whose sheets reach past MAX_ROWS, MAX_COLUMNS or MAX_CELLS (package.py), before anything reads a sheet."""
    return inspect(
        content, Limits(rows=MAX_ROWS + 1, columns=MAX_COLUMNS, cells=MAX_CELLS, expanded=MAX_EXPANDED)
    )


def _choose(titles: list[str], sheet_names: tuple[str, ...]) -> str:
    chosen = next((t for t in titles if t.strip() in sheet_names), None) if sheet_names else titles[0]
    if chosen is None and len(titles) == 1:
        # One sheet under any name (LibreOffice names it after the file): its headers decide.
        chosen = titles[0]
    if chosen is None:
        raise NoSheet(_("工作簿中没有可识别的工作表（应为：%(names)s）", names="、".join(sheet_names)))
    return chosen


def _broken(error: Exception) -> InputError:
    reason = str(error).strip() or type(error).__name__
    return InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=reason[:100]))


def _sheet(chosen: str, rows: Iterator[list], close) -> Table:
    """The table of a sheet whose rows (lists of values, from column A) come from ``rows``. Whatever the
    reader raises on a broken part while reading (XML, zip, values) is refused as a broken workbook."""
    try:
        header_cells = next(rows)
    except StopIteration:
        close()
        raise InputError(_("工作表“%(name)s”是空的", name=chosen)) from None
    except InputError:
        close()
        raise
    except Exception as error:
        close()
        raise _broken(error) from None
    headers = [_text(value) for value in header_cells]
    while headers and not headers[-1]:
        headers.pop()

    def body() -> Iterator[tuple[int, list]]:
        try:
            yield from _numbered(rows, len(headers), None, lambda v: v not in (None, ""))
        except InputError:
            raise
        except Exception as error:
            raise _broken(error) from None
        finally:
            close()

    return Table(chosen, headers, body())


def _xlsx_calamine(content: bytes, sheet_names: tuple[str, ...]) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        chosen = _choose(workbook.sheet_names, sheet_names)
        sheet = workbook.get_sheet_by_name(chosen)
    except InputError:
        raise
    except Exception as error:  # CalamineError and its kin, and zip or value errors
        raise _broken(error) from None
    pad = [None] * sheet.start[1] if sheet.start else []  # rows start at the first used column

    def rows() -> Iterator[list]:
        for row in sheet.iter_rows():
            yield pad + [_plain(value) for value in row]

    return _sheet(chosen, rows(), workbook.close)


def _plain(value):
    """A calamine value as openpyxl gives it: empty as None, whole numbers as int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _xlsx_openpyxl(content: bytes, sheet_names: tuple[str, ...]) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=str(error)[:100])) from None
    except Exception as error:  # openpyxl raises several types for broken parts
        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=type(error).__name__)) from None
    try:
        chosen = _choose(workbook.sheetnames, sheet_names)
    except InputError:
        workbook.close()
        raise
    rows = ([_cell(c) for c in cells] for cells in workbook[chosen].iter_rows())
    return _sheet(chosen, rows, workbook.close)


def _cell(cell):
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=") and getattr(cell, "data_type", None) == "f"
    ):
        return Formula(str(value))
    return value


def _text(value) -> str:
    return "" if value is None else str(value).strip().lstrip("\ufeff")


_BOM = b"\xef\xbb\xbf"
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, kept by "surrogateescape"
_CHINESE = re.compile("[\u3000-\u9fff\uff00-\uffef]")
_UNLIKELY = re.compile("[^\x00-\x7f\u00b7\u00d7\u2010-\u2027\u3000-\u9fff\uff00-\uffef]")


def _decode(content: bytes) -> str:
    """The file's text, in UTF-8 (with or without a BOM) or, failing that, GB18030 (what Chinese Excel and
    WPS write as "CSV"). A file whose rows are in different encodings is refused naming the first odd row:
    decoded either way, some rows would be stored garbled."""
    bom = content.startswith(_BOM)
    body = content[len(_BOM) :] if bom else content
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    first_bad, first_good, bad, good = _rows_by_encoding(body)
    advice = _("请把整个文件另存为UTF-8或GBK编码")
    if bom:
        raise InputError(_("文件开头标明是UTF-8编码，但第%(row)d行不是UTF-8编码：", row=first_bad) + advice)
    if good:
        if bad <= good:
            raise InputError(_("第%(row)d行不是UTF-8编码，而文件其余部分是：", row=first_bad) + advice)
        raise InputError(_("第%(row)d行是UTF-8编码，而文件其余部分不是：", row=first_good) + advice)
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(_("无法识别文件编码，请保存为UTF-8或GBK编码的CSV")) from None


def _rows_by_encoding(body: bytes) -> tuple[int, int, int, int]:
    """The first row that is not UTF-8, the first row of Chinese written in UTF-8, and how many of each."""
    text = body.decode("utf-8", "surrogateescape")
    try:
        records = ["".join(record) for record in csv.reader(io.StringIO(text))]
    except csv.Error:  # the table itself is broken; lines number the rows well enough to point at one
        records = text.splitlines()
    first_bad = first_good = bad = good = 0
    for number, record in enumerate(records, start=1):
        if _ESCAPED.search(record):
            bad += 1
            first_bad = first_bad or number
        elif _chinese_in_utf8(record):
            good += 1
            first_good = first_good or number
    return first_bad, first_good, bad, good


def _chinese_in_utf8(record: str) -> bool:
    """Is this row (valid UTF-8) Chinese written in UTF-8, rather than GBK bytes that happen to be valid
    UTF-8? The latter decode to unlikely characters, or read as ordinary GB2312 text when taken as GBK."""
    if not _CHINESE.search(record) or _UNLIKELY.search(record):
        return False
    try:
        record.encode("utf-8").decode("gb18030").encode("gb2312")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return True
    return False


def _numbered(rows, width: int, blank, filled) -> Iterator[tuple[int, list]]:
    """The rows under the header with their sheet row numbers, cut or padded (with ``blank``) to ``width``;
    rows with no ``filled`` value are skipped; past MAX_ROWS the file is refused."""
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise InputError(_("超过%(n)d行上限，请分批导入", n=MAX_ROWS))
        values = list(cells[:width])
        if any(filled(v) for v in values):
            yield number, values + [blank] * (width - len(values))


def _csv(content: bytes, filename: str) -> Table:
    if content.startswith((_ZIP, _OLE)):
        raise InputError(_("文件内容是Excel工作簿而不是CSV，请把扩展名改为.xlsx"))
    text = _decode(content)
    if "\x00" in text:
        raise InputError(_("文件内容不是文本表格（CSV）"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = [_text(h) for h in next(reader)]
    except StopIteration:
        raise InputError(_("文件是空的")) from None
    except csv.Error as error:
        raise InputError(_("CSV格式有误：%(reason)s", reason=str(error))) from None
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise InputError(_("第1行应为表头（列名）"))

    def body() -> Iterator[tuple[int, list]]:
        try:
            yield from _numbered(reader, len(headers), "", lambda v: v.strip())
        except csv.Error as error:
            raise InputError(_("CSV格式有误：%(reason)s", reason=str(error))) from None

    return Table(filename, headers, body())
