"""Small import workbooks written the way a user would fill in the template."""

from __future__ import annotations

import itertools
from pathlib import Path

from openpyxl import Workbook

from registry.domain.uscc import check_character

HEADERS = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "从业人数"]
# A county's own spreadsheet: its own headers, its row numbers and a column the registry has no field for.
COUNTY_HEADERS = [
    "序号",
    "企业名称",
    "社会信用代码",
    "企业类型",
    "所属镇街",
    "注册资本（万元）",
    "职工人数",
    "填表人",
]
_serial = itertools.count(9_100_001)


def uscc() -> str:
    first17 = f"91211122BT{next(_serial):07d}"
    return first17 + check_character(first17)


def enterprise_rows(prefix: str, count: int, bad_last: bool = False) -> list[list[str]]:
    rows = [
        [f"{prefix}科技有限公司{n}", uscc(), "企业", "太平街道", str(10 + n)] for n in range(1, count + 1)
    ]
    if bad_last:
        rows[-1][1] = "不是代码"
    return rows


def county_rows(prefix: str, count: int) -> list[list[str]]:
    return [
        [str(n), f"{prefix}科技有限公司{n}", uscc(), "企业", "太平街道", "300", str(5 + n), "张三"]
        for n in range(1, count + 1)
    ]


def write_xlsx(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path
