"""Enumerations of DESIGN.md §3: the codes stored and exchanged, with their Chinese labels in one place."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .i18n import locale_name

# Each enumeration's labels in each language, translated once: the catalogues do not change while the app
# runs, and a list page shows a label per row (a lazy label costs a catalogue look-up each time it is shown).
_LABELS: dict[tuple[type, str], dict[str, str]] = {}


class Labelled(StrEnum):
    """A string enumeration whose members carry a translatable label: ``Member = "code", _l("标签")``."""

    label: str

    def __new__(cls, value: str, label: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def codes(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def has(cls, code) -> bool:
        """Is ``code`` one of the codes?"""
        return isinstance(code, str) and code in cls._value2member_map_

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, lazy label) pairs: translated when shown, so they may be made before a request."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every code's label in the current language (in order)."""
        key = (cls, locale_name())
        labels = _LABELS.get(key)
        if labels is None:
            labels = _LABELS[key] = {member.value: str(member.label) for member in cls}
        return labels

    @classmethod
    def text_choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs in the current language (for a page being made)."""
        return list(cls.labels().items())

    @classmethod
    def label_of(cls, code: str | None) -> str:
        """The label of ``code``; an unknown or empty code is shown as it is."""
        if not code:
            return ""
        return cls.labels().get(code, code)


class LegalForm(Labelled):
    # "企业" alone is also the name of the firm register ("Enterprises"); as a legal form it is a company.
    COMPANY = "company", lazy_pgettext("legal form", "企业")
    INDIVIDUAL = "individual", _l("个体工商户")
    COOPERATIVE = "cooperative", _l("农民专业合作社")
    TEAM = "team", _l("创业团队(未注册)")


class FounderGroup(Labelled):
    VETERAN = "veteran", _l("退役军人")
    COLLEGE_STUDENT = "college_student", _l("大学生")
    RETURNING_MIGRANT = "returning_migrant", _l("返乡农民工")
    WOMAN = "woman", _l("女性")
    RESEARCHER = "researcher", _l("科研人员")
    RETURNEE = "returnee", _l("归国/外籍人才")


class Industry(Labelled):
    """GB/T 4754-2017 门类."""

    A = "A", _l("农、林、牧、渔业")
    B = "B", _l("采矿业")
    C = "C", _l("制造业")
    D = "D", _l("电力、热力、燃气及水生产和供应业")
    E = "E", _l("建筑业")
    F = "F", _l("批发和零售业")
    G = "G", _l("交通运输、仓储和邮政业")
    H = "H", _l("住宿和餐饮业")
    I = "I", _l("信息传输、软件和信息技术服务业")  # noqa: E741 — the standard's letter
    J = "J", _l("金融业")
    K = "K", _l("房地产业")
    L = "L", _l("租赁和商务服务业")
    M = "M", _l("科学研究和技术服务业")
    N = "N", _l("水利、环境和公共设施管理业")
    O = "O", _l("居民服务、修理和其他服务业")  # noqa: E741 — the standard's letter
    P = "P", _l("教育")
    Q = "Q", _l("卫生和社会工作")
    R = "R", _l("文化、体育和娱乐业")
    S = "S", _l("公共管理、社会保障和社会组织")
    T = "T", _l("国际组织")


class IncubatorKind(Labelled):
    TECH_INCUBATOR = "tech_incubator", _l("科技企业孵化器")
    MAKER_SPACE = "maker_space", _l("众创空间")
    UNIVERSITY_PARK = "university_park", _l("大学科技园")
    STARTUP_BASE = "startup_base", _l("创业孵化基地")
    OTHER = "other", _l("其他")


class Level(Labelled):
    NATIONAL = "national", _l("国家级")
    PROVINCIAL = "provincial", _l("省级")
    MUNICIPAL = "municipal", _l("市级")
    COUNTY = "county", _l("县级")
    NONE = "none", _l("无")


class ExitReason(Labelled):
    GRADUATED = "graduated", _l("毕业")
    MOVED_OUT = "moved_out", _l("迁出")
    CLOSED = "closed", _l("注销")
    OTHER = "other", _l("其他")


class DeregistrationReason(Labelled):
    """Why a firm ceased to exist on its deregistration date (DESIGN.md §3, "Archive versus end")."""

    CANCELLED = "cancelled", lazy_pgettext("deregistration", "注销")
    REVOKED = "revoked", lazy_pgettext("deregistration", "吊销")
    MOVED_AWAY = "moved_away", lazy_pgettext("deregistration", "迁出")
    MERGED = "merged", lazy_pgettext("deregistration", "合并")


class CertificationStatus(Labelled):
    APPLIED = "applied", _l("已申报")
    APPROVED = "approved", _l("已认定")
    REJECTED = "rejected", _l("未通过")
    REVOKED = "revoked", _l("已撤销")


class OutreachForm(Labelled):
    VISIT = "visit", _l("走访")
    SEMINAR = "seminar", _l("宣讲会")
    ONLINE = "online", _l("线上")


class IpType(Labelled):
    PATENT = "patent", _l("专利")
    TRADEMARK = "trademark", _l("商标")
    COPYRIGHT = "copyright", _l("著作权")
    MIXED = "mixed", _l("组合")


class LoanStatus(Labelled):
    ACTIVE = "active", _l("在贷")
    REPAID = "repaid", _l("已还清")
    DEFAULTED = "defaulted", _l("违约")


class ListingTier(Labelled):
    KEY = "key", _l("重点")
    GENERAL = "general", _l("一般")


class Board(Labelled):
    MAIN = "main", _l("主板")
    CHINEXT = "chinext", _l("创业板")
    STAR = "star", _l("科创板")
    BSE = "bse", _l("北交所")
    NEEQ = "neeq", _l("新三板")
    REGIONAL = "regional", _l("区域股权市场")
    OVERSEAS = "overseas", _l("境外")


class Stage(Labelled):
    """Listing stages in their usual order; ``listed`` and ``withdrawn`` end the pipeline."""

    RESERVE = "reserve", _l("入库")
    SHAREHOLDING_REFORM = "shareholding_reform", _l("股改")
    TUTORING_FILED = "tutoring_filed", _l("辅导备案")
    TUTORING_ACCEPTED = "tutoring_accepted", _l("辅导验收")
    APPLICATION_ACCEPTED = "application_accepted", _l("申报受理")
    APPROVED = "approved", _l("审核通过")
    REGISTERED = "registered", _l("注册生效")
    LISTED = "listed", _l("上市")
    WITHDRAWN = "withdrawn", _l("退出")


FINAL_STAGES = frozenset({Stage.LISTED, Stage.WITHDRAWN})


class TrainingTopic(Labelled):
    LISTING = "listing", _l("上市")
    IP = "ip", _l("知识产权")
    OTHER = "other", _l("其他")


class Role(Labelled):
    ADMIN = "admin", _l("系统管理员")
    SCIENCE_BUREAU = "science_bureau", _l("科技局")
    INCUBATOR_MANAGER = "incubator_manager", _l("孵化载体负责人")
    FINANCE_OFFICER = "finance_officer", _l("金融办")
    REPORT_WRITER = "report_writer", _l("办公室(报告撰写)")
    CONTRIBUTOR = "contributor", _l("部门填报人")


class ReportStatus(Labelled):
    DRAFT = "draft", _l("草稿")
    FINAL = "final", _l("已定稿")


class SectionState(Labelled):
    """A report section's progress: written by a department or the writer, then reviewed by the writer."""

    OPEN = "open", _l("未开始")
    EDITING = "editing", _l("填写中")
    SUBMITTED = "submitted", _l("已提交")
    REVIEWED = "reviewed", _l("已审核")
