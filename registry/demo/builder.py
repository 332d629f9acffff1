"""Builds the demo records; every choice is seeded, so each run produces the same registry."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from ..domain.certificates import add_years, default_valid_until
from ..domain.text import clean_name, name_key
from ..domain.uscc import check_character
from ..extensions import db
from ..models import (
    Certification,
    Enterprise,
    ListingCandidate,
    Tenancy,
)
from ..records import dated
from . import data
from .programmes import ProgrammeRecords

D = date.fromisoformat
REPORT_END = D("2021-07-31")  # the end of the seed report's period
_USCC_PREFIX = {"company": "91", "individual": "92", "cooperative": "93"}
_VALIDITY = {"tech_sme": "calendar_year"}  # every other seeded kind is years:3


def demo_uscc(legal_form: str, serial: int) -> str:
    """A synthetic USCC that passes the check: region 211122 (盘山县), then ``DM`` and a serial."""
    first17 = f"{_USCC_PREFIX[legal_form]}211122DM{serial:07d}"
    return first17 + check_character(first17)


class DemoBuilder(ProgrammeRecords):
    def __init__(self, towns: dict, parks: dict, tags: dict, incubators: dict) -> None:
        self.rng = random.Random(211122)
        self.towns, self.parks, self.tags, self.incubators = towns, parks, tags, incubators
        self.serial = Counter()
        self.used_keys: set[str] = set()
        self.created: Counter = Counter()
        self.firms: dict[str, Enterprise] = {}

    # ---- helpers -------------------------------------------------------------------------------
    def add(self, obj):
        db.session.add(obj)
        self.created[type(obj).__tablename__] += 1
        return obj

    def firm(self, name: str, legal_form: str = "company", town: str | None = None, **fields) -> Enterprise:
        uscc = None
        if legal_form != "team":
            self.serial[legal_form] += 1
            uscc = demo_uscc(legal_form, self.serial[legal_form])
        founders = fields.pop("founder_groups", [])
        tag_codes = fields.pop("tag_codes", [])
        enterprise = Enterprise(
            name=clean_name(name),
            name_key=name_key(name),
            uscc=uscc,
            legal_form=legal_form,
            town=self.towns[town or self.rng.choice(data.TOWNS)[0]],
            **fields,
        )
        enterprise.founder_groups = founders
        enterprise.tags = [self.tags[code] for code in tag_codes]
        self.used_keys.add(enterprise.name_key)
        return self.add(enterprise)

    def generated_name(self, legal_form: str) -> tuple[str, str]:
        while True:
            core = self.rng.choice(data.NAME_CORES)
            trade, industry = self.rng.choice(data.NAME_TRADES)
            if legal_form == "individual":
                name = f"盘山县{core}{trade}经营部"
            elif legal_form == "cooperative":
                name = f"盘山县{core}{trade}专业合作社"
            elif legal_form == "team":
                name = f"“{core}{trade}”创业团队"
            else:
                name = f"{self.rng.choice(['盘锦', '盘山县', '辽宁'])}{core}{trade}有限公司"
            if name_key(name) not in self.used_keys:
                return name, industry

    def generated_firm(self, legal_form: str = "company", established: date | None = None, **fields):
        name, industry = self.generated_name(legal_form)
        if established is None:
            established = D("2005-01-01") + timedelta(days=self.rng.randrange(5800))
        size = self.rng.choice([3, 5, 8, 12, 20, 35, 60])
        return self.firm(
            name,
            legal_form,
            industry=industry,
            established_on=established,
            employees=size,
            rd_staff=max(1, size // 5),
            registered_capital_wan=Decimal(self.rng.choice([10, 50, 100, 200, 500, 1000])),
            contact_name=self.rng.choice(data.PERSON_SURNAMES) + self.rng.choice(data.PERSON_GIVEN),
            contact_phone=f"0427-{self.rng.randrange(3000000, 3999999)}",
            **fields,
        )

    def certification(self, firm: Enterprise, kind: str, level: str, status: str = "approved", **fields):
        approved_on = fields.get("approved_on")
        if approved_on and "valid_until" not in fields:
            fields["valid_until"] = default_valid_until(_VALIDITY.get(kind, "years:3"), approved_on)
        year = (approved_on or fields.get("applied_on")).year
        return self.add(
            Certification(enterprise=firm, kind=kind, level=level, status=status, year=year, **fields)
        )

    def tenancy(self, incubator: str, firm: Enterprise, moved_in: date, **fields) -> Tenancy:
        if "veteran" in firm.founder_groups and "free_space_until" not in fields:
            # The seed's policy: veterans with no premises get two years of free office space.
            fields["free_space_until"] = add_years(moved_in, 2) - timedelta(days=1)
        return self.add(
            Tenancy(incubator=self.incubators[incubator], enterprise=firm, moved_in_on=moved_in, **fields)
        )

    # ---- the county --------------------------------------------------------------------------
    def build(self) -> None:
        self.named_firms()
        high_value = self.high_value_firms()
        self.incubation()
        others = [self.generated_firm(self.rng.choice(["company"] * 8 + ["individual"])) for _ in range(113)]
        self.archived_firm()
        self.tags_for(others)
        self.certifications(high_value, others)
        self.outreach(high_value)
        self.loans()
        self.listing(others)
        self.trainings()
        self.deregistered_firm()
        self.histories(others)

    def named_firms(self) -> None:
        for key, name, form, town, park, industry, established, capital, staff, ip in data.NAMED_FIRMS:
            self.firms[key] = self.firm(
                name,
                form,
                town,
                park=self.parks[park] if park else None,
                industry=industry,
                established_on=D(established),
                registered_capital_wan=Decimal(capital),
                employees=staff,
                rd_staff=max(1, staff // 8),
                high_value_ip_count=ip,
                short_name=data.SHORT_NAMES.get(key),
                founder_groups=data.NAMED_FOUNDERS.get(key, []),
                tag_codes=data.NAMED_TAGS.get(key, []),
            )

    def high_value_firms(self) -> list[Enterprise]:
        """The report's 22 firms with high-value IP: ten named ones and twelve generated."""
        generated = [
            self.generated_firm(high_value_ip_count=self.rng.randint(1, 4), park=self.parks["高升经济区"])
            for _ in range(12)
        ]
        return [f for f in self.firms.values() if f.high_value_ip_count > 0] + generated

    def incubation(self) -> None:
        groups = (
            [["veteran"]] * 6
            + [["veteran", "college_student"]] * 2
            + [["college_student"]] * 4
            + [["returning_migrant"]] * 4
            + [["returning_migrant", "woman"]]
            + [["woman"]] * 4
            + [["researcher"]] * 2
            + [["returnee"]]
            + [[]] * 2
        )
        forms = ["company"] * 16 + ["individual"] * 3 + ["cooperative"] * 2 + ["team"] * 5
        self.rng.shuffle(forms)
        # 26 tenants in the building at the end of July 2021 (the report's "26家企业入驻孵化").
        self.building_stays: list[Tenancy] = []
        for index, (form, founders) in enumerate(zip(forms, groups, strict=True)):
            moved_in = D("2019-06-03") + timedelta(days=index * 29)
            firm = self.generated_firm(
                form,
                established=moved_in - timedelta(days=self.rng.randrange(20, 600)),
                founder_groups=founders,
            )
            self.building_stays.append(self.tenancy("盘锦现代农业创业大厦", firm, moved_in))
        # Earlier tenants who left; one graduated inside the period.
        for moved_in, left_on, reason in [
            ("2018-06-01", "2020-06-30", "graduated"),
            ("2018-07-15", "2020-12-31", "graduated"),
            ("2018-09-01", "2021-05-31", "graduated"),
            ("2019-01-10", "2020-10-15", "moved_out"),
        ]:
            firm = self.generated_firm(established=D(moved_in) - timedelta(days=200))
            self.tenancy("盘锦现代农业创业大厦", firm, D(moved_in), left_on=D(left_on), exit_reason=reason)
        for moved_in, left_on, reason in [
            ("2019-04-01", "2020-09-30", "graduated"),
            ("2019-05-20", "2020-11-30", "graduated"),
            ("2019-08-01", "2020-07-31", "moved_out"),
            ("2019-10-08", "2020-12-20", "closed"),
        ]:
            firm = self.generated_firm(established=D(moved_in) - timedelta(days=90))
            self.tenancy("盘山县众创空间", firm, D(moved_in), left_on=D(left_on), exit_reason=reason)
        # Recent tenants, so the incubator's page has free-space endings to watch today.
        for moved_in, founders in [
            ("2024-12-20", ["veteran"]),
            ("2025-03-03", ["veteran", "woman"]),
            ("2026-05-11", ["college_student"]),
            ("2026-09-01", ["veteran"]),
        ]:
            firm = self.generated_firm(established=D(moved_in) - timedelta(days=150), founder_groups=founders)
            self.tenancy("盘锦现代农业创业大厦", firm, D(moved_in))
        # Tenants who move in after the period.
        for incubator, moved_in in [
            ("盘锦现代农业创业大厦", "2021-09-01"),
            ("盘锦现代农业创业大厦", "2021-11-15"),
        ] + [
            ("高升经济区科技企业孵化器", day)
            for day in ("2021-10-08", "2021-11-01", "2022-01-10", "2022-03-01", "2022-04-18", "2022-06-06")
        ]:
            firm = self.generated_firm(
                established=D(moved_in) - timedelta(days=120),
                founder_groups=[self.rng.choice(["veteran", "college_student"])],
            )
            self.tenancy(incubator, firm, D(moved_in))

    def archived_firm(self) -> None:
        """A firm entered twice by mistake: archived, it counts in no period (its tags and IP neither)."""
        firm = self.generated_firm(tag_codes=["kechuang-china"], high_value_ip_count=2)
        firm.archived_at = D("2021-02-01")
        firm.archived_reason = "重复登记"

    def deregistered_firm(self) -> None:
        """The first company among the building's 2021 tenants closes down in 2023: deregistered, its stay
        ends that day (``closed``). It existed and was a tenant on 2021-07-31, so 2021's numbers keep it.
        Chosen without a random draw, so every other record stays as it was."""
        day = D(data.DEREGISTERED_ON)
        stay = next(s for s in self.building_stays if s.enterprise.legal_form == "company")
        stay.enterprise.deregistered_on = day
        stay.enterprise.deregistered_reason = data.DEREGISTERED_REASON
        stay.left_on, stay.exit_reason = day, "closed"

    def tags_for(self, others: list[Enterprise]) -> None:
        candidates = [
            f
            for f in db.session.new
            if isinstance(f, Enterprise)
            and f.legal_form != "team"
            and f.archived_at is None
            and "kechuang-china" not in {t.code for t in f.tags}
            # The report counts the firms that exist at its end (DESIGN.md §4, rule 2): not those set up later.
            and (f.established_on is None or f.established_on <= REPORT_END)
        ]
        candidates.sort(key=lambda f: f.uscc)
        already = sum(1 for f in self.firms.values() if "kechuang-china" in {t.code for t in f.tags})
        for firm in self.rng.sample(candidates, 102 - already):
            firm.tags.append(self.tags["kechuang-china"])
        for firm in self.rng.sample(others, 25):
            firm.tags.append(self.tags["cloud"])
        for firm in self.rng.sample(others, 8):
            firm.tags.append(self.tags["smart-workshop"])

    # ---- dated fields ----------------------------------------------------------------------------
    def histories(self, others: list[Enterprise]) -> None:
        """The dated fields' spans (DESIGN.md §3): a firm's tags and high-value IP count hold from its
        establishment, a candidate's tier from its entry into the reserve — as migration 0007 dates the
        values it finds, so every number of the seed report's period stays. Then a few later facts, dated
        after that period, which move today's values but none of the period's numbers."""
        firm_fields = dated.DECLARATIONS["enterprise"].fields
        for record in list(db.session.new):
            if isinstance(record, Enterprise):
                record.high_value_ip_count = record.high_value_ip_count or 0
                for fld in firm_fields:
                    dated.set_from(fld, record, record.established_on)
            elif isinstance(record, ListingCandidate):
                dated.set_from(dated.TIER, record, record.entered_on)
        # 2023: a firm's count of high-value IP grows.
        grown = self.firms["dayu"]
        grown.high_value_ip_count += 2
        dated.set_from(dated.IP_COUNT, grown, D("2023-04-01"))
        # 2024: a firm leaves the 科创中国 platform and another, which existed in 2021 without it, joins.
        kechuang = self.tags["kechuang-china"]
        holders = sorted(
            (f for f in others if kechuang in f.tags and f.archived_at is None), key=lambda f: f.uscc
        )
        joiners = sorted(
            (f for f in others if kechuang not in f.tags and f.established_on <= REPORT_END),
            key=lambda f: f.uscc,
        )
        leaver, joiner = holders[0], joiners[0]
        leaver.tags = [t for t in leaver.tags if t is not kechuang]
        dated.set_from(dated.TAGS, leaver, D("2024-06-30"))
        joiner.tags = [*joiner.tags, kechuang]
        dated.set_from(dated.TAGS, joiner, D("2024-09-01"))
        # 2025: a general candidate, entered after the period, becomes a key one.
        self.promoted.tier = "key"
        dated.set_from(dated.TIER, self.promoted, D("2025-03-01"))
