"""What a workbook's zip holds, checked before any reader opens a sheet.

calamine builds a sheet as one grid from its first to its last cell, so a few kilobytes that put one cell at
A1 and another at XFD1048576 ask for hundreds of gigabytes and abort the process. Every worksheet is
therefore scanned as a stream first: its declared range (``<dimension ref>``), each row's ``r`` and each
cell's position (its ``r``, or the place after the previous cell when it has none) must stay within the
limits. The same pass finds formulas (a workbook with one goes to openpyxl, which marks formula cells).

The usual writers (Excel, WPS, LibreOffice, openpyxl) put ``r`` first in every ``<row>`` and ``<c>``:
those parts are checked with a few regular expressions over the bytes. A part written any other way
(prefixed elements, cells without ``r``, entities in ``r``) is parsed with expat instead, slower but exact.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter
from xml.etree import ElementTree
from xml.parsers import expat

from flask_babel import gettext as _
from flask_babel import pgettext

from ..domain import InputError

CHUNK = 1 << 20
LONGEST_TAG = 1 << 20  # no real element runs a megabyte without a "<"; past that the part is refused
SMALL_PART = 8 << 20  # workbook.xml and the .rels parts are read whole

_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_PREFIXED = re.compile(rb"<[^\s/>!?<:]+:(?:c|row|dimension)[\s/>]")
_CELL = re.compile(rb"<c[\s/>](?:\s*r\s*=\s*[\"']([A-Za-z]+)0*(\d+)[\"'])?")
_ROW = re.compile(rb"<row[\s/>](?:\s*r\s*=\s*[\"']0*(\d+)[\"'])?")
_DIMENSION = re.compile(rb"<dimension[\s/>][^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(r"\$?([A-Za-z]+)\$?0*(\d+)")
_SHEET_TYPES = ("/worksheet", "/dialogsheet", "/macrosheet")


@dataclass(frozen=True)
class Limits:
    rows: int  # rows including the header
    columns: int
    cells: int  # rows × columns of the range from A1 to the farthest cell (calamine's grid)
    expanded: int  # bytes of all parts once unzipped


class _Exact(Exception):
    """The part is not written the usual way: read it again with the XML parser."""


def column_number(letters: str) -> int:
    if len(letters) > 4:  # past XFD, the last column Excel has; a long run of letters costs nothing
        return 26**4
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inspect(content: bytes, limits: Limits) -> bool:
    """Refuse (InputError) a workbook that would unzip too large or has a sheet reaching past the limits;
    otherwise say whether any sheet holds a formula."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(part.file_size for part in archive.infolist()) > limits.expanded:
                raise InputError(
                    _("工作簿解压后超过%(n)dMB上限，请分批导入", n=limits.expanded // 1024 // 1024)
                )
            names = _sheet_parts(archive)
            formula = False
            for info in archive.infolist():  # by entry, not name: a zip may hold one name twice
                if info.filename in names:
                    formula = _scan_part(archive, info, names[info.filename], limits) or formula
            return formula
    except InputError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        RuntimeError,  # zipfile: a compression method or version it does not know, or an encrypted part
        OSError,
        ValueError,
        EOFError,
        KeyError,
        ElementTree.ParseError,
        expat.ExpatError,
    ) as error:
        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=str(error)[:100])) from None


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > SMALL_PART:
        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=name[:60]))
    return archive.read(info)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Every part a reader may take for a worksheet, with the sheet's name where the workbook gives it:
    the parts under xl/worksheets/, and whatever any relationship of a worksheet type points to (readers
    find parts case-insensitively, with or without the folder of the part that refers to them)."""
    by_lower = {name.lower(): name for name in archive.namelist()}
    parts = {
        name: posixpath.basename(name)
        for name in archive.namelist()
        if name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml")
    }
    titles = _titles(archive, by_lower)
    for lower, rels in by_lower.items():
        if not lower.endswith(".rels"):
            continue
        named = titles if lower == "xl/_rels/workbook.xml.rels" else {}
        source = posixpath.dirname(posixpath.dirname(lower))  # xl/_rels/workbook.xml.rels → xl
        for element in ElementTree.fromstring(_small(archive, rels)).iter():
            if not str(element.get("Type", "")).endswith(_SHEET_TYPES):
                continue
            target = str(element.get("Target", "")).replace("\\", "/").lower()
            candidates = {
                posixpath.normpath(posixpath.join(source, target)).lstrip("/"),
                posixpath.normpath(target).lstrip("/"),
            }
            for candidate in candidates:
                if candidate in by_lower:
                    name = by_lower[candidate]
                    parts[name] = named.get(element.get("Id"), posixpath.basename(name))
    return parts


def _titles(archive: zipfile.ZipFile, by_lower: dict[str, str]) -> dict[str, str]:
    """The sheets' names by their relationship id, from xl/workbook.xml."""
    name = by_lower.get("xl/workbook.xml")
    if name is None:
        return {}
    titles = {}
    for element in ElementTree.fromstring(_small(archive, name)).iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), None)
        if rid:
            titles[rid] = str(element.get("name", ""))[:40]
    return titles


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, sheet: str, limits: Limits) -> bool:
    try:
        return _Fast(sheet, limits).scan(archive, part)
    except _Exact:
        return _ExactScan(sheet, limits).scan(archive, part)


class _Check:
    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet, self.limits = sheet, limits
        self.formula = False
        self.widest = self.deepest = 0

    def refuse(self, extent: str):
        raise InputError(
            _(
                "工作表“%(sheet)s”的%(extent)s超出上限（最多%(rows)d行数据、%(columns)d列），"
                "请删除多余的行列或分批导入",
                sheet=self.sheet,
                extent=extent,
                rows=self.limits.rows - 1,
                columns=self.limits.columns,
            )
        )

    def too_many_cells(self, extent: str):
        raise InputError(
            _(
                "工作表“%(sheet)s”的%(extent)s超过%(n)d个单元格（行数×列数）的上限，"
                "请删除多余的行列或分批导入",
                sheet=self.sheet,
                extent=extent,
                n=self.limits.cells,
            )
        )

    def cell(self, column: int, row: int) -> None:
        if column > self.limits.columns or row > self.limits.rows:
            self.refuse(_("单元格%(cell)s", cell=f"{column_letters(column)}{row}"))
        self.widest, self.deepest = max(self.widest, column), max(self.deepest, row)

    def row(self, row: int) -> None:
        if row > self.limits.rows:
            self.refuse(pgettext("where a sheet reaches past the limit", "第%(n)d行", n=row))

    def dimension(self, ref: str) -> None:
        corners = [(column_number(letters), int(digits)) for letters, digits in _REF.findall(ref)]
        if not corners or len(corners) > 2:
            return  # not a range: the readers refuse it as they read
        columns, rows = max(c for c, _r in corners), max(r for _c, r in corners)
        shown = ":".join(f"{column_letters(c)}{r}" for c, r in corners)
        if columns > self.limits.columns or rows > self.limits.rows:
            self.refuse(_("声明范围%(ref)s", ref=shown))
        if columns * rows > self.limits.cells:
            self.too_many_cells(_("声明范围%(ref)s", ref=shown))

    def finish(self) -> bool:
        """After the last cell: the grid a reader builds, from A1 to the farthest row and column."""
        if self.widest * self.deepest > self.limits.cells:
            self.too_many_cells(_("使用范围%(ref)s", ref=f"A1:{column_letters(self.widest)}{self.deepest}"))
        return self.formula


class _Fast(_Check):
    def scan(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
        carry = b""
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                buffer = carry + chunk
                cut = buffer.rfind(b"<")
                if cut < 0:
                    cut = len(buffer)  # text only: nothing to carry
                whole, carry = buffer[:cut], buffer[cut:]
                if len(carry) > LONGEST_TAG:
                    end = carry.find(b">")
                    if end < 0:
                        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=part.filename[:60]))
                    whole, carry = whole + carry[: end + 1], b""
                self.feed(whole)
        self.feed(carry)
        return self.finish()

    def feed(self, data: bytes) -> None:
        if not data:
            return
        if not self.formula and _FORMULA.search(data):
            self.formula = True
        if _PREFIXED.search(data):
            raise _Exact()
        if b"<dimension" in data:
            for ref in _DIMENSION.findall(data):
                self.dimension(ref.decode("ascii", "replace"))
        rows = set(_ROW.findall(data))
        if b"" in rows:
            raise _Exact()
        if rows:
            self.row(max(map(int, rows)))
        cells = _CELL.findall(data)
        if not cells:
            return
        letters = set(map(itemgetter(0), cells))
        if b"" in letters:
            raise _Exact()
        widest = max(letters, key=lambda text: column_number(text.decode()))
        column = column_number(widest.decode())
        deepest = max(map(int, set(map(itemgetter(1), cells))))
        if column > self.limits.columns:
            self.cell(column, int(next(digits for text, digits in cells if text == widest)))
        if deepest > self.limits.rows:
            self.cell(
                column_number(next(text for text, digits in cells if int(digits) == deepest).decode()),
                deepest,
            )
        self.cell(column, deepest)  # within the limits: the grid so far


class _ExactScan(_Check):
    """Positions as the readers give them: a cell without ``r`` follows the previous one in its row, a row
    without ``r`` follows the previous row (counted generously, never less than a reader would)."""

    def scan(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
        self.row_at, self.column_at = 0, 0
        parser = expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.StartDoctypeDeclHandler = self.doctype
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
        return self.finish()

    def doctype(self, *_args) -> None:
        raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason="DOCTYPE"))

    def start(self, tag: str, attributes: dict) -> None:
        name = tag.rpartition(":")[2]
        if name == "c":
            self._cell(attributes.get("r"))
        elif name == "row":
            given = attributes.get("r", "")
            number = int(given) if given.strip().isdigit() else 0
            self.row_at, self.column_at = max(number, self.row_at + 1), 0
            self.row(self.row_at)
        elif name == "dimension":
            self.dimension(attributes.get("ref", ""))
        elif name == "f":
            self.formula = True

    def _cell(self, ref: str | None) -> None:
        if ref is None:
            self.column_at += 1
            self.cell(self.column_at, max(self.row_at, 1))
            return
        found = _REF.fullmatch(ref.strip())
        if found is None:
            raise InputError(_("工作簿已损坏，无法读取：%(reason)s", reason=ref[:20]))
        column, row = column_number(found.group(1)), int(found.group(2))
        self.cell(column, row)
        self.column_at = max(self.column_at, column)
