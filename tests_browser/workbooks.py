"""Small import workbooks written the way a user would fill in the template."""

from __future__ import annotations

import itertools
from pathlib import Path

from openpyxl import Workbook

from registry.domain.uscc import check_character

HEADERS = ["企业名称", "统一社会信用代码", "主体类型", "所在镇街", "从业人数"]
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


def write_xlsx(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path
