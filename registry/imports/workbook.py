"""Downloadable XLSX templates, and the error report of a previewed file."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..exports import escape_cell
from .spec import ImportSpec

HEADER = PatternFill("solid", fgColor="DCE6F1")


def template(spec: ImportSpec) -> bytes:
    """One sheet to fill (Chinese headers, drop-downs for choices) and one that explains every column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(spec.title)
    sheet.append([str(fld.label) for fld in spec.fields])
    for index, fld in enumerate(spec.fields, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if fld.required else "000000")
        cell.fill = HEADER
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(str(fld.label)) * 2 + 4)
        options = ",".join(fld.import_options())
        if options and len(options) < 250:
            rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}5000")
        if fld.import_as_text:
            sheet.column_dimensions[letter].number_format = "@"  # text, so codes keep their digits
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("填写说明"))
    guide.append([_("列名"), _("字段名"), _("必填"), _("填写要求与可选值"), _("示例")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER
    for fld in spec.fields:
        guide.append(
            [
                str(fld.label),
                fld.name,
                _("是") if fld.required else "",
                fld.import_hint(),
                str(spec.example.get(fld.name, "")),
            ]
        )
    guide.append([])
    guide.append(
        [
            _("说明"),
            _(
                "第1行为列名，可用中文列名或字段名；从第2行起每行一条记录。更新已有记录可增加“编号”列。"
                "同一统一社会信用代码或同名（忽略简繁体、全半角）的企业视为同一家，导入时更新而不重复登记。"
            ),
        ]
    )
    for letter, width in zip("ABCDE", (18, 24, 6, 70, 30), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report(table_headers: list[str], rows: list[tuple[int, list, list[str]]]) -> bytes:
    """The rows in error as they were uploaded, with the row number and the reasons in extra columns."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误行"))
    sheet.append([_("行号"), *table_headers, _("错误原因")])
    for number, cells, messages in rows:
        sheet.append(
            [number, *[escape_cell(c) if isinstance(c, str) else c for c in cells], "；".join(messages)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
