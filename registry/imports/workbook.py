"""Downloadable XLSX templates, and the error report of a previewed file."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..exports import escape_cell
from ..records import fields as f
from .spec import ImportSpec

HEADER = PatternFill("solid", fgColor="DCE6F1")


def _allowed(fld: f.Field) -> str:
    if isinstance(fld, (f.Choice, f.ChoiceSet)):
        values = "；".join(f"{label}（{code}）" for code, label in fld.enum.choices())
        return (_("可多选，用逗号分隔：") if isinstance(fld, f.ChoiceSet) else _("可选：")) + values
    if isinstance(fld, f.CodeChoice):
        return _("资质类别的代码或名称，如 high_tech 或 高新技术企业")
    if isinstance(fld, f.Date):
        return _("日期：2021-07-31、2021/7/31 或 2021年7月31日，也可用Excel日期")
    if isinstance(fld, f.Money):
        return _("数字，最多两位小数") + ("，" + _("须大于0") if fld.positive else "")
    if isinstance(fld, f.Integer):
        return _("整数")
    if isinstance(fld, f.Uscc):
        return _("18位统一社会信用代码（请设为文本格式，以免被Excel改成数字）")
    if isinstance(fld, f.ReferenceSet):
        return _("企业的统一社会信用代码或完整名称，多个用逗号分隔")
    if isinstance(fld, f.Reference) and fld.key is not None:
        return _("企业的统一社会信用代码或完整名称")
    if isinstance(fld, f.Reference):
        return _("填写名称")
    if isinstance(fld, f.TagSet):
        return _("标签代码或名称，多个用逗号分隔")
    if isinstance(fld, f.Boolean):
        return _("是 或 否")
    if isinstance(fld, f.Text):
        return _("文本，最多%(n)d字", n=fld.max_length)
    return ""


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
        if isinstance(fld, f.Choice):
            options = ",".join(str(label) for _code, label in fld.enum.choices())
            if len(options) < 250:
                rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}5000")
        if isinstance(fld, (f.Uscc, f.Text)):
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
                _allowed(fld),
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
