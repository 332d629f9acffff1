"""The data model of DESIGN.md §3, split by area; importing this package registers every table."""

from .accounts import ApiToken, LoginAttempt, User, UserRole
from .audit import ChangeLog, DataChange, DataVersion, ReportSnapshot
from .base import utcnow
from .certifications import Certification
from .enterprises import (
    Enterprise,
    EnterpriseFounderGroup,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    enterprise_tags,
)
from .finance import Outreach, PledgeLoan
from .imports import ImportMapping
from .incubation import Incubator, Tenancy, incubator_managers
from .jobs import Job
from .listing import ListingCandidate, ListingTierSpan, StageChange, Training, training_participants
from .reference import CertificationKind, Park, Tag, Town
from .reports import Figure, Outline, OutlineSection, Report, ReportSection, ReportSectionVersion

__all__ = [
    "ApiToken",
    "Certification",
    "CertificationKind",
    "ChangeLog",
    "DataChange",
    "DataVersion",
    "Enterprise",
    "EnterpriseFounderGroup",
    "EnterpriseIpSpan",
    "EnterpriseTagSpan",
    "Figure",
    "ImportMapping",
    "Incubator",
    "Job",
    "ListingCandidate",
    "ListingTierSpan",
    "LoginAttempt",
    "Outline",
    "OutlineSection",
    "Outreach",
    "Park",
    "PledgeLoan",
    "Report",
    "ReportSection",
    "ReportSectionVersion",
    "ReportSnapshot",
    "StageChange",
    "Tag",
    "Tenancy",
    "Town",
    "Training",
    "User",
    "UserRole",
    "enterprise_tags",
    "incubator_managers",
    "training_participants",
    "utcnow",
]
