"""Enterprise pages on the shared record pages: list with search, filters, facets and export; detail with
the firm's records in other areas; forms that warn of a possible duplicate; the firm picker's lookup."""

from __future__ import annotations

from typing import NamedTuple

from flask import jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, literal, select, union_all
from sqlalchemy.orm import joinedload

from .. import list_engine
from ..audit.display import history
from ..certifications.services import CERTIFICATION
from ..enums import DeregistrationReason, FounderGroup, Industry, LegalForm
from ..extensions import db
from ..finance.services import LOAN
from ..incubation.services import TENANCY
from ..listing.services import CANDIDATE, TRAINING
from ..models import (
    Certification,
    Enterprise,
    EnterpriseFounderGroup,
    ListingCandidate,
    Park,
    PledgeLoan,
    Tag,
    Tenancy,
    Training,
    enterprise_tags,
    training_participants,
)
from ..records import dated
from ..reference.filters import town_choices
from ..web.record_pages import Column, RecordPages
from .filters import SPEC
from .items import firm_parts
from .services import ENTERPRISE, SCHEMA, PossibleDuplicate


def choices(form) -> None:
    """Fill the select boxes that come from the database."""
    form.town_id.choices = town_choices(blank=True)
    form.park_id.choices = [("", "—")] + [
        (str(p.id), p.name)
        for p in db.session.scalars(select(Park).where(Park.archived_at.is_(None)).order_by(Park.name))
    ]
    form.tags.choices = [
        (t.code, t.name)
        for t in db.session.scalars(select(Tag).where(Tag.archived_at.is_(None)).order_by(Tag.code))
    ]


EXPORT_COLUMNS = [
    (_l("编号"), lambda e: e.id),
    (SCHEMA["name"].label, lambda e: e.name),
    (SCHEMA["short_name"].label, lambda e: e.short_name),
    (SCHEMA["uscc"].label, lambda e: e.uscc),
    (SCHEMA["legal_form"].label, lambda e: LegalForm.label_of(e.legal_form)),
    (SCHEMA["town_id"].label, lambda e: e.town.name),
    (SCHEMA["park_id"].label, lambda e: e.park.name if e.park else None),
    (SCHEMA["industry"].label, lambda e: Industry.label_of(e.industry) if e.industry else None),
    (SCHEMA["established_on"].label, lambda e: e.established_on),
    (SCHEMA["registered_capital_wan"].label, lambda e: e.registered_capital_wan),
    (SCHEMA["employees"].label, lambda e: e.employees),
    (SCHEMA["rd_staff"].label, lambda e: e.rd_staff),
    (SCHEMA["founder_groups"].label, lambda e: "、".join(FounderGroup.label_of(g) for g in e.founder_groups)),
    (SCHEMA["high_value_ip_count"].label, lambda e: e.high_value_ip_count),
    (SCHEMA["tags"].label, lambda e: "、".join(t.name for t in e.tags)),
    (SCHEMA["contact_name"].label, lambda e: e.contact_name),
    (SCHEMA["contact_phone"].label, lambda e: e.contact_phone),
    (SCHEMA["address"].label, lambda e: e.address),
    (SCHEMA["deregistered_on"].label, lambda e: e.deregistered_on),
    (
        SCHEMA["deregistered_reason"].label,
        lambda e: DeregistrationReason.label_of(e.deregistered_reason) if e.deregistered_reason else None,
    ),
    (_l("已归档"), lambda e: _("是") if e.archived_at else ""),
]


# What the firm's page reads of the firm's row, loaded with it; its founder groups, tags and dated histories
# come in one statement beside it (:func:`firm_context`).
FIRM_PAGE_OPTIONS = (joinedload(Enterprise.town), joinedload(Enterprise.park))


# The firm's records in the other areas, each with what the page shows of it (the incubator, the kind, the
# stages), built once with the firm's id bound when they run: building a statement and its cache key costs
# more than running it. Each is read through its own kind's visibility (:func:`firm_context`), and only when
# the firm has records of that kind at all (:data:`PRESENT`).
_FIRM = bindparam("firm")


class Related(NamedTuple):
    kind: object  # the record type, whose visibility the read goes through
    statement: Select  # the firm's records of that kind
    owner: object  # the column naming their firm


RELATED = {
    "tenancies": Related(
        TENANCY,
        select(Tenancy)
        .where(Tenancy.enterprise_id == _FIRM)
        .options(joinedload(Tenancy.incubator))
        .order_by(Tenancy.moved_in_on.desc()),
        Tenancy.enterprise_id,
    ),
    "certifications": Related(
        CERTIFICATION,
        select(Certification)
        .where(Certification.enterprise_id == _FIRM)
        .options(joinedload(Certification.kind_ref))
        .order_by(Certification.applied_on.desc().nulls_last(), Certification.id.desc()),
        Certification.enterprise_id,
    ),
    "loans": Related(
        LOAN,
        select(PledgeLoan).where(PledgeLoan.enterprise_id == _FIRM).order_by(PledgeLoan.registered_on.desc()),
        PledgeLoan.enterprise_id,
    ),
    "listing": Related(
        CANDIDATE,
        select(ListingCandidate)
        .where(ListingCandidate.enterprise_id == _FIRM)
        .options(joinedload(ListingCandidate.stages)),
        ListingCandidate.enterprise_id,
    ),
    "trainings": Related(
        TRAINING,
        select(Training)
        .join(training_participants)
        .where(training_participants.c.enterprise_id == _FIRM)
        .order_by(Training.held_on.desc()),
        training_participants.c.enterprise_id,
    ),
}
# Which of those kinds the firm has any record of (whoever may see them), in one statement of index probes:
# most firms have few, and a kind it has none of costs nothing more. What the page shows of a kind is still
# only what its visible read returns.
PRESENT = select(
    *(
        select(related.owner).where(related.owner == _FIRM).exists().label(name)
        for name, related in RELATED.items()
    )
)


def firm_context(record) -> dict:
    """The firm's records in the other areas, for its page (each with what the page reads of it)."""
    user = current_user._get_current_object()
    firm = {"firm": record.id}
    present = db.session.execute(PRESENT, firm).one()._mapping
    related = {}
    for name, (kind, statement, _owner) in RELATED.items():
        if not present[name]:
            related[name] = None if name == "listing" else []
            continue
        # Each part through its own kind's visibility: a manager sees the stays in their own incubators only.
        rows = db.session.scalars(kind.visible(user, statement), firm)
        related[name] = rows.unique().first() if name == "listing" else rows.all()
    parts = firm_parts([record.id])[record.id]
    return {
        "related": related,
        "history": history(enterprise_id=record.id),
        "groups": parts.founder_groups,
        "tags": parts.tags,
        "dated_rows": dated.history_rows(ENTERPRISE, parts),
    }


def deregistered_badge(firm) -> list[tuple[str, str]]:
    """The list's mark of a firm that no longer exists: 已注销 with its date."""
    if firm.deregistered_on is None:
        return []
    return [(_("已注销 %(day)s", day=firm.deregistered_on.isoformat()), "text-bg-secondary")]


# The list page's tags and founder groups of its firms (firm, kind, order, shown): built once, the page's
# firms bound when it runs.
_IDS = bindparam("ids", expanding=True)
_MARKS = union_all(
    select(enterprise_tags.c.enterprise_id, literal(0), Tag.code, Tag.name)
    .join(Tag, Tag.id == enterprise_tags.c.tag_id)
    .where(enterprise_tags.c.enterprise_id.in_(_IDS)),
    select(
        EnterpriseFounderGroup.enterprise_id,
        literal(1),
        EnterpriseFounderGroup.founder_group,
        EnterpriseFounderGroup.founder_group,
    ).where(EnterpriseFounderGroup.enterprise_id.in_(_IDS)),
)


def shown_marks(firms: list) -> None:
    """The list page's tags and founder groups of its firms, in one statement (each in code order, as the
    firm's page shows them): ``firm.shown_tags`` (names) and ``firm.shown_groups`` (codes)."""
    ids = [firm.id for firm in firms]
    marks = {firm.id: ([], []) for firm in firms}
    if ids:
        for firm_id, kind, _code, shown in sorted(db.session.execute(_MARKS, {"ids": ids}).all()):
            marks[firm_id][kind].append(shown)
    for firm in firms:
        firm.shown_tags, firm.shown_groups = marks[firm.id]


def _facet_label(facet, value, label):
    if facet.name == "industry":
        return f"{value} {Industry.label_of(value)}"
    return facet.enum.label_of(value) if facet.enum else (label or value)


PAGES = RecordPages(
    record_type=ENTERPRISE,
    columns=[
        Column(
            SCHEMA["name"].label,
            lambda e: e.name,
            sort="name",
            link=True,
            badges=lambda e: [
                *deregistered_badge(e),
                *[
                    (FounderGroup.label_of(g), "text-bg-info-subtle text-info-emphasis")
                    for g in e.shown_groups
                ],
            ],
        ),
        Column(SCHEMA["uscc"].label, lambda e: e.uscc, sort="uscc"),
        Column(lazy_pgettext("one", "镇街"), lambda e: e.town.name),
        Column(SCHEMA["legal_form"].label, lambda e: LegalForm.label_of(e.legal_form)),
        Column(SCHEMA["established_on"].label, lambda e: e.established_on, sort="established_on"),
        Column(SCHEMA["employees"].label, lambda e: e.employees, sort="employees", numeric=True),
        Column(
            SCHEMA["tags"].label,
            lambda e: "",
            badges=lambda e: [(name, "text-bg-light border") for name in e.shown_tags],
        ),
    ],
    list_eager=(joinedload(Enterprise.town),),
    prepare_rows=shown_marks,
    export_columns=EXPORT_COLUMNS,
    prepare_form=choices,
    wide=("founder_groups", "tags", "notes", "address"),
    form_template="enterprises/form.html",
    detail_template="enterprises/detail.html",
    detail_context=firm_context,
    detail_options=FIRM_PAGE_OPTIONS,
    show_fields=False,
    search_placeholder=_l("企业名称或统一社会信用代码（简繁体均可）"),
    create_label=_l("登记企业"),
    empty_text=_l("没有符合条件的企业。"),
    facet_label=_facet_label,
    archived_message=_l("已归档。归档的企业不再出现在列表和统计中，历史记录保留。"),
    confirmable=(PossibleDuplicate,),
    id_arg="enterprise_id",
)
bp = PAGES.bp


@bp.route("/lookup")
@login_required
def lookup():
    """Firms matching ``q`` by name or USCC, for the pickers in forms (JSON)."""
    args = list_engine.parse_args(SPEC, {"q": request.args.get("q", ""), "size": "20"})
    if not args.q:
        return jsonify({"items": []})
    page = list_engine.run(SPEC, current_user, args, with_facets=False, with_count=False)
    return jsonify(
        {"items": [{"id": e.id, "name": e.name, "uscc": e.uscc, "town": e.town.name} for e in page.items]}
    )
