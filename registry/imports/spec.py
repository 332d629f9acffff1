"""What can be imported: a record type, its sheet names, its columns, and how rows find existing records
(the spec's ``matcher``, matching.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import catalog, dated
from ..records import fields as f
from ..records.record_type import RecordType
from .matching import FirmMatcher, Matcher

ID_HEADERS = ("id", "编号")  # headers of the column that names the record a row updates
ID_COLUMN = "id"  # that column in a mapping


def spellings(text) -> tuple[str, ...]:
    """A label as the current interface shows it and as written in Chinese (a lazy text's source).

    A file filled in from the Chinese template reads the same whatever language the uploader's screen uses.
    """
    shown = str(text)
    source = getattr(text, "_args", None)
    if source and isinstance(source[-1], str) and source[-1] != shown:  # pgettext: (context, text)
        return (shown, source[-1])
    return (shown,)


def by_spelling(choices) -> dict[str, str]:
    """Label (in either spelling) → code for an enumeration's choices."""
    return {spelling: code for code, label in choices for spelling in spellings(label)}


@dataclass(frozen=True)
class ImportSpec:
    name: str  # --kind on the command line, and the sheet's code name
    record_type: RecordType
    title: str  # the sheet's Chinese name
    example: dict  # one filled-in row for the template
    matcher: type[Matcher] = Matcher  # how a row finds the record it is about (made once per run)
    # Other headers counties write for the kind's fields (field name → headers), besides label and name.
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (*spellings(self.title), self.name)

    @property
    def fields(self) -> list[f.Field]:
        """The columns a sheet may have: the schema's fields, and 生效日期 for a record type with dated fields
        (when a row's new tags, count or tier took effect)."""
        return [*self.record_type.schema.fields, *dated.options(self.record_type, importing=True)]

    def synonyms_of(self, fld: f.Field) -> tuple[str, ...]:
        """The headers that name ``fld``: its label (both spellings), its name and its synonyms."""
        return (*spellings(fld.label), fld.name, *self.synonyms.get(fld.name, ()))

    def column(self, header: str) -> f.Field | None:
        """The field a header names: its Chinese label or its DESIGN.md field name."""
        text = (header or "").strip()
        for fld in self.fields:
            if text == fld.name or text in spellings(fld.label):
                return fld
        return None


# How a row finds the record it is about, where that is more than its id (a firm by its USCC or name).
MATCHERS: dict[str, type[Matcher]] = {"enterprise": FirmMatcher}

# Headers that counties' own spreadsheets use for a field, compared after imports/guess.normalise (spaces,
# brackets and a trailing unit such as （万元） do not count). COMMON_SYNONYMS apply to every kind with a
# field of that name; SYNONYMS[record type] add those that mean the field only in that kind's files (企业名称
# is an enterprise's name, but names the firm of a certification).
COMMON_SYNONYMS: dict[str, tuple[str, ...]] = {
    "uscc": ("社会信用代码", "信用代码", "统一代码", "统一社会信用代码", "USCC", "统一社会信用代码证号"),
    "town_id": (
        "所属镇街",
        "镇（街道）",
        "镇街道",
        "镇街",
        "乡镇",
        "所在镇街",
        "所属乡镇",
        "乡镇（街道）",
        "街道",
    ),
    "park_id": ("所属园区", "园区", "所在园区", "园区名称"),
    "established_on": ("成立时间", "注册日期", "注册时间", "成立日期"),
    "registered_capital_wan": ("注册资本", "注册资本（万元）", "注册资金"),
    "employees": ("从业人员", "职工人数", "从业人员数", "员工人数", "职工总数"),
    "rd_staff": ("研发人员", "研发人数", "研发人员数量"),
    "contact_name": ("联系人", "联系人姓名"),
    "contact_phone": ("联系电话", "手机", "手机号", "手机号码", "电话", "联系方式"),
    "address": ("地址", "注册地址", "企业地址", "经营地址", "详细地址"),
    "industry": ("行业", "所属行业", "行业类别"),
    "notes": ("备注", "说明"),
    "enterprise_id": ("企业名称", "单位名称", "企业（单位）名称", "公司名称", "企业", "单位"),
}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "enterprise": {
        "name": ("单位名称", "企业名称", "名称", "企业（单位）名称", "公司名称", "企业全称"),
        "legal_form": ("企业类型", "主体类别", "市场主体类型"),
        "high_value_ip_count": ("高价值专利数", "高价值发明专利数"),
        "short_name": ("简称", "企业简称", "单位简称"),
        "deregistered_on": ("注销时间", "注销日期", "吊销日期"),
    },
    "incubator": {
        "name": ("载体名称", "孵化器名称", "孵化载体名称"),
        "operator": ("运营单位", "运营机构"),
        "area_m2": ("面积", "场地面积"),
        "opened_on": ("启用时间", "运营时间"),
    },
    "tenancy": {
        "incubator_id": ("孵化器", "孵化器名称", "所在孵化器", "孵化载体名称"),
        "moved_in_on": ("入孵时间", "入驻时间", "入孵日期"),
        "left_on": ("离孵时间",),
    },
    "certification": {
        "kind": ("资质类型", "认定类别"),
        "approved_on": ("认定时间", "批准日期"),
        "year": ("认定年度", "年份"),
        "certificate_no": ("证书编号", "证书号", "登记编号"),
    },
    "pledge_loan": {
        "lender": ("银行", "贷款机构"),
        "amount_wan": ("贷款金额", "金额"),
        "registered_on": ("质押登记日期",),
    },
    "listing_candidate": {"entered_on": ("入库时间",)},
    "training": {"title": ("名称",), "held_on": ("培训日期", "培训时间")},
    "outreach": {"held_on": ("走访日期", "活动日期")},
    "park": {"name": ("园区名称",)},
    "town": {"name": ("镇街名称",)},
}
# Headers of columns that hold nothing to import (a county's own row numbers): left out without asking.
SKIPPED_HEADERS = ("序号", "行号", "排序", "No", "No.")


def synonyms_for(record_type: RecordType) -> dict[str, tuple[str, ...]]:
    """The synonyms of the record type's fields: the common ones and its own."""
    own = SYNONYMS.get(record_type.name, {})
    return {
        fld.name: (*COMMON_SYNONYMS.get(fld.name, ()), *own.get(fld.name, ()))
        for fld in record_type.schema.fields
        if fld.name in COMMON_SYNONYMS or fld.name in own
    }


SPECS = [
    ImportSpec(
        record_type.plural,
        record_type,
        record_type.import_sheet,
        record_type.import_example,
        MATCHERS.get(record_type.name, Matcher),
        synonyms_for(record_type),
    )
    for record_type in catalog.importable()
]
BY_NAME = {spec.name: spec for spec in SPECS}


def find_spec(name: str) -> ImportSpec | None:
    return BY_NAME.get(name) or next((s for s in SPECS if str(s.title) == name), None)
