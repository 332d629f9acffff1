"""What can be imported: a record kind, its sheet names, its columns, and how rows find existing records
(the spec's ``matcher``, matching.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..certifications.services import CERTIFICATION
from ..enterprises.services import ENTERPRISE
from ..finance.services import LOAN, OUTREACH
from ..incubation.services import INCUBATOR, TENANCY
from ..listing.services import CANDIDATE, TRAINING
from ..records import fields as f
from ..records.kind import RecordKind
from ..reference.services import PARK, TAG, TOWN
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
    kind: RecordKind
    title: str  # the sheet's Chinese name
    example: dict  # one filled-in row for the template
    matcher: type[Matcher] = Matcher  # how a row finds the record it is about (made once per run)

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (*spellings(self.title), self.name)

    @property
    def fields(self) -> list[f.Field]:
        return self.kind.schema.fields

    def column(self, header: str) -> f.Field | None:
        """The field a header names: its Chinese label or its DESIGN.md field name."""
        text = (header or "").strip()
        for fld in self.fields:
            if text == fld.name or text in spellings(fld.label):
                return fld
        return None


SPECS = [
    ImportSpec(
        "enterprises",
        ENTERPRISE,
        lazy_pgettext("menu", "企业"),  # the register's name: "Enterprises"
        {
            "name": "盘锦示例科技有限公司",
            "uscc": "91211122DM0000001L",
            "legal_form": "企业",
            "town_id": "太平街道",
            "industry": "C",
            "established_on": "2021-07-31",
            "registered_capital_wan": "500",
            "employees": "20",
            "founder_groups": "退役军人,女性",
            "tags": "kechuang-china",
        },
        matcher=FirmMatcher,
    ),
    ImportSpec(
        "incubators",
        INCUBATOR,
        _l("孵化载体"),
        {
            "name": "某某众创空间",
            "kind": "众创空间",
            "level": "县级",
            "town_id": "太平街道",
            "opened_on": "2020-05-01",
        },
    ),
    ImportSpec(
        "tenancies",
        TENANCY,
        _l("入孵"),
        {
            "incubator_id": "盘锦现代农业创业大厦",
            "enterprise_id": "91211122DM0000001L",
            "moved_in_on": "2021/3/1",
        },
    ),
    ImportSpec(
        "certifications",
        CERTIFICATION,
        _l("资质认定"),
        {
            "enterprise_id": "91211122DM0000001L",
            "kind": "高新技术企业",
            "level": "国家级",
            "status": "已认定",
            "applied_on": "2021-06-28",
            "approved_on": "2021年12月14日",
            "certificate_no": "GR202121001046",
        },
    ),
    ImportSpec(
        "outreach",
        OUTREACH,
        _l("宣传走访"),
        {"held_on": "2021-04-20", "enterprise_id": "91211122DM0000001L", "form": "走访", "attendees": "3"},
    ),
    ImportSpec(
        "pledge_loans",
        LOAN,
        _l("质押贷款"),
        {
            "enterprise_id": "91211122DM0000001L",
            "lender": "盘锦银行",
            "ip_type": "专利",
            "registered_on": "2021-03-25",
            "amount_wan": "800",
            "status": "在贷",
        },
    ),
    ImportSpec(
        "listing_candidates",
        CANDIDATE,
        _l("上市后备企业"),
        {
            "enterprise_id": "91211122DM0000001L",
            "entered_on": "2019-03-01",
            "tier": "重点",
            "target_board": "科创板",
        },
    ),
    ImportSpec(
        "trainings",
        TRAINING,
        _l("培训"),
        {
            "held_on": "2021-06-17",
            "title": "资本大讲堂线上培训",
            "topic": "上市",
            "enterprise_ids": "91211122DM0000001L",
        },
    ),
    ImportSpec("towns", TOWN, _l("镇街"), {"code": "taiping", "name": "太平街道"}),
    ImportSpec("parks", PARK, _l("园区"), {"name": "高升经济区", "town_id": "高升街道"}),
    ImportSpec("tags", TAG, _l("标签"), {"code": "cloud", "name": "企业上云"}),
]
BY_NAME = {spec.name: spec for spec in SPECS}


def find_spec(name: str) -> ImportSpec | None:
    return BY_NAME.get(name) or next((s for s in SPECS if str(s.title) == name), None)
