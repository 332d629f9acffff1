"""``flask --app registry synth --enterprises N [--seed S]``: deterministic synthetic data at province scale.

Proportions per 100,000 firms: 30,000 tenancies over 300 incubators, 150,000 certifications across kinds,
levels and years 2016–2026, 20,000 outreach events, 10,000 pledge loans, 5,000 listing candidates with stage
histories, 2,000 trainings, tags. About 1% of names are traditional-script variants of another firm's name
(duplicates waiting to be found).

Rows go in through one connection with Core executemany in large batches, never one ORM object at a time
(registry/bulk.py: on SQLite that connection alone is set for a bulk load).
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import Connection, func, select

from .bulk import advance_sequences, insert_rows, loading
from .domain.certificates import default_valid_until
from .domain.text import name_key
from .domain.uscc import check_character
from .enums import FounderGroup, Industry, Stage
from .models import (
    Certification,
    Enterprise,
    EnterpriseFounderGroup,
    EnterpriseIpSpan,
    EnterpriseTagSpan,
    Incubator,
    ListingCandidate,
    ListingTierSpan,
    Outreach,
    PledgeLoan,
    StageChange,
    Tag,
    Tenancy,
    Town,
    Training,
    enterprise_tags,
    training_participants,
)

CORES = "鑫源宏达恒信瑞丰金禾绿野蟹乡稻香红滩辽河新港华盛兴农汇通博远智联天合北辰禾丰润泽盛景海晟鼎新安泰众诚达远康宁凯瑞嘉禾永丰东方利民昊天长青佳和锦程宇航星河晨光沃土"
TRADES = [
    "农业科技",
    "生物科技",
    "新材料",
    "精细化工",
    "信息技术",
    "软件",
    "电子商务",
    "食品",
    "机械制造",
    "环保科技",
    "文化传媒",
    "物流",
    "检测技术",
    "石油装备",
    "医疗器械",
    "智能装备",
    "新能源",
    "水产",
]
REGIONS = [
    "沈阳",
    "大连",
    "鞍山",
    "抚顺",
    "本溪",
    "丹东",
    "锦州",
    "营口",
    "阜新",
    "辽阳",
    "盘锦",
    "铁岭",
    "朝阳",
    "葫芦岛",
]
# Simplified → traditional for a handful of characters, to plant duplicates in other scripts.
TRADITIONAL = str.maketrans(
    "业发东宁达兴汇博联华丰润盛海鼎众诚远康凯嘉长锦程星晨农电医装备能环检测软设",
    "業發東寧達興匯博聯華豐潤盛海鼎眾誠遠康凱嘉長錦程星晨農電醫裝備能環檢測軟設",
)
KIND_SHARE = [
    ("tech_sme", "national", 0.45),
    ("high_tech", "national", 0.2),
    ("innovative_sme", "provincial", 0.12),
    ("srdi_sme", "provincial", 0.1),
    ("srdi_product", "provincial", 0.05),
    ("little_giant", "national", 0.03),
    ("little_giant", "provincial", 0.03),
    ("single_champion", "national", 0.01),
    ("tech_innovative_sme", "provincial", 0.01),
]
VALIDITY = {"tech_sme": "calendar_year"}


def _uscc(serial: int) -> str:
    first17 = f"91210000YN{serial:07d}"
    return first17 + check_character(first17)


def generate(enterprises: int, seed: int = 2026, echo=print) -> dict[str, int]:
    """Add ``enterprises`` synthetic firms with their related records; returns the counts added."""
    with loading() as connection:
        return _generate(connection, enterprises, seed, echo)


def _generate(connection: Connection, enterprises: int, seed: int, echo) -> dict[str, int]:
    rng = random.Random(seed)
    now = datetime(2026, 1, 1)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    scale = enterprises / 100_000
    counts: dict[str, int] = {}
    started = time.perf_counter()

    towns = list(connection.scalars(select(Town.id)))
    if not towns:
        insert_rows(
            connection, Town, [{"code": f"syn{n}", "name": f"合成镇街{n}", **stamp} for n in range(60)]
        )
        towns = list(connection.scalars(select(Town.id)))
    tags = list(connection.scalars(select(Tag.id)))
    if not tags:
        insert_rows(
            connection,
            Tag,
            [
                {"code": c, "name": n, **stamp}
                for c, n in [
                    ("kechuang-china", "科创中国平台注册"),
                    ("cloud", "企业上云"),
                    ("smart-workshop", "数字化车间"),
                ]
            ],
        )
        tags = list(connection.scalars(select(Tag.id)))

    first_id = (connection.scalar(select(func.max(Enterprise.id))) or 0) + 1
    offset = connection.scalar(select(func.count()).select_from(Enterprise)) or 0
    rows, groups, tagged = [], [], []
    keys: dict[str, str] = {}  # name → the registry's duplicate key; names repeat, the key is costly
    industries = Industry.codes()
    for n in range(enterprises):
        firm_id = first_id + n
        name = f"{rng.choice(REGIONS)}{rng.choice(CORES)}{rng.choice(CORES)}{rng.choice(TRADES)}有限公司"
        if rows and rng.random() < 0.01:  # a traditional-script twin of an earlier firm
            name = rng.choice(rows)["name"].translate(TRADITIONAL)
        rows.append(
            {
                "id": firm_id,
                "name": name,
                "name_key": keys.get(name) or keys.setdefault(name, name_key(name)),
                "uscc": _uscc(offset + n + 1),
                "legal_form": "company",
                "town_id": rng.choice(towns),
                "industry": rng.choice(industries),
                "established_on": date(2000, 1, 1) + timedelta(days=rng.randrange(9500)),
                "registered_capital_wan": rng.choice([50, 100, 200, 500, 1000, 3000]),
                "employees": rng.randrange(3, 800),
                "rd_staff": rng.randrange(1, 30),
                "high_value_ip_count": rng.choice([0] * 8 + [1, 3]),
                **stamp,
            }
        )
        if rng.random() < 0.3:
            groups.append({"enterprise_id": firm_id, "founder_group": rng.choice(FounderGroup.codes())})
        for tag in tags:
            if rng.random() < 0.2:
                tagged.append({"enterprise_id": firm_id, "tag_id": tag})
    insert_rows(connection, Enterprise, rows)
    insert_rows(connection, EnterpriseFounderGroup, groups)
    insert_rows(connection, enterprise_tags, tagged)
    # The dated fields' spans, as the write path keeps them: today's values, in force since establishment.
    established = {r["id"]: r["established_on"] for r in rows}
    insert_rows(
        connection, EnterpriseTagSpan, [t | {"valid_from": established[t["enterprise_id"]]} for t in tagged]
    )
    insert_rows(
        connection,
        EnterpriseIpSpan,
        [
            {"enterprise_id": r["id"], "value": r["high_value_ip_count"], "valid_from": r["established_on"]}
            for r in rows
        ],
    )
    counts["enterprises"] = len(rows)
    echo(f"  enterprises {len(rows):,} ({time.perf_counter() - started:.1f}s)")
    firm_ids = [r["id"] for r in rows]

    incubator_first = (connection.scalar(select(func.max(Incubator.id))) or 0) + 1
    incubators = [
        {
            "id": incubator_first + n,
            "name": f"合成孵化载体{incubator_first + n}",
            "kind": rng.choice(["tech_incubator", "maker_space", "startup_base"]),
            "level": rng.choice(["national", "provincial", "county"]),
            "town_id": rng.choice(towns),
            "opened_on": date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
            **stamp,
        }
        for n in range(max(1, int(300 * scale)))
    ]
    insert_rows(connection, Incubator, incubators)
    tenancies = []
    for firm in rng.sample(firm_ids, min(len(firm_ids), int(30_000 * scale))):
        moved_in = date(2016, 1, 1) + timedelta(days=rng.randrange(3800))
        left = moved_in + timedelta(days=rng.randrange(200, 1500)) if rng.random() < 0.4 else None
        if left and left > date(2026, 11, 1):
            left = None
        tenancies.append(
            {
                "incubator_id": rng.choice(incubators)["id"],
                "enterprise_id": firm,
                "moved_in_on": moved_in,
                "left_on": left,
                "exit_reason": rng.choice(["graduated", "moved_out"]) if left else None,
                "free_space_until": moved_in + timedelta(days=729) if rng.random() < 0.2 else None,
                **stamp,
            }
        )
    insert_rows(connection, Tenancy, tenancies)
    counts["incubators"], counts["tenancies"] = len(incubators), len(tenancies)

    certs = []
    kinds = [(k, level) for k, level, share in KIND_SHARE for _ in range(int(share * 100))]
    for _ in range(int(150_000 * scale)):
        kind, level = rng.choice(kinds)
        applied = date(2016, 1, 1) + timedelta(days=rng.randrange(3950))
        status = rng.choice(["approved"] * 7 + ["applied", "rejected", "revoked"])
        approved = (
            applied + timedelta(days=rng.randrange(30, 150)) if status in ("approved", "revoked") else None
        )
        if approved and approved > date(2026, 11, 1):
            approved, status = None, "applied"
        certs.append(
            {
                "enterprise_id": rng.choice(firm_ids),
                "kind": kind,
                "level": level,
                "status": status,
                "applied_on": applied,
                "approved_on": approved,
                "valid_until": default_valid_until(VALIDITY.get(kind, "years:3"), approved),
                "revoked_on": approved + timedelta(days=200) if status == "revoked" else None,
                "year": (approved or applied).year,
                "batch": rng.randrange(1, 8) if kind == "little_giant" else None,
                "key_support": kind == "little_giant" and rng.random() < 0.1,
                "product_name": "合成产品" if kind == "srdi_product" else None,
                **stamp,
            }
        )
    insert_rows(connection, Certification, certs)
    counts["certifications"] = len(certs)
    echo(f"  certifications {len(certs):,} ({time.perf_counter() - started:.1f}s)")

    outreach = []
    for _ in range(int(20_000 * scale)):
        to_firm = rng.random() < 0.8
        outreach.append(
            {
                "held_on": date(2016, 1, 1) + timedelta(days=rng.randrange(3950)),
                "enterprise_id": rng.choice(firm_ids) if to_firm else None,
                "town_id": None if to_firm else rng.choice(towns),
                "form": rng.choice(["visit", "seminar", "online"]),
                "attendees": rng.randrange(1, 60),
                **stamp,
            }
        )
    insert_rows(connection, Outreach, outreach)
    insert_rows(
        connection,
        PledgeLoan,
        [
            {
                "enterprise_id": rng.choice(firm_ids),
                "lender": rng.choice(["盘锦银行", "建设银行", "工商银行", "农业银行", "兴业银行"]),
                "ip_type": rng.choice(["patent", "trademark", "copyright", "mixed"]),
                "registered_on": date(2016, 1, 1) + timedelta(days=rng.randrange(3950)),
                "amount_wan": rng.randrange(10, 5000),
                "term_months": rng.choice([6, 12, 24, 36]),
                "status": rng.choice(["active", "repaid", "repaid", "defaulted"]),
                **stamp,
            }
            for _ in range(int(10_000 * scale))
        ],
    )
    counts["outreach"], counts["pledge_loans"] = int(20_000 * scale), int(10_000 * scale)

    candidate_first = (connection.scalar(select(func.max(ListingCandidate.id))) or 0) + 1
    taken = set(connection.scalars(select(ListingCandidate.enterprise_id)))
    candidates, stages = [], []
    order = Stage.codes()
    for n, firm in enumerate(
        [f for f in rng.sample(firm_ids, min(len(firm_ids), int(5_000 * scale))) if f not in taken]
    ):
        entered = date(2016, 1, 1) + timedelta(days=rng.randrange(3500))
        candidates.append(
            {
                "id": candidate_first + n,
                "enterprise_id": firm,
                "entered_on": entered,
                "tier": rng.choice(["key", "general", "general"]),
                "target_board": rng.choice(["main", "chinext", "star", "bse", "neeq"]),
                **stamp,
            }
        )
        day, stage = entered, 0
        stages.append({"candidate_id": candidate_first + n, "stage": "reserve", "changed_on": day, **stamp})
        while rng.random() < 0.5 and stage < len(order) - 2:
            stage += rng.randrange(1, 3)
            day += timedelta(days=rng.randrange(60, 400))
            if stage >= len(order) - 1 or day > date(2026, 11, 1):
                break
            stages.append(
                {"candidate_id": candidate_first + n, "stage": order[stage], "changed_on": day, **stamp}
            )
    insert_rows(connection, ListingCandidate, candidates)
    insert_rows(connection, StageChange, stages)
    insert_rows(
        connection,
        ListingTierSpan,
        [{"candidate_id": c["id"], "tier": c["tier"], "valid_from": c["entered_on"]} for c in candidates],
    )
    counts["listing_candidates"], counts["stage_changes"] = len(candidates), len(stages)

    training_first = (connection.scalar(select(func.max(Training.id))) or 0) + 1
    trainings = [
        {
            "id": training_first + n,
            "held_on": date(2016, 1, 1) + timedelta(days=rng.randrange(3950)),
            "title": f"合成培训{training_first + n}",
            "topic": rng.choice(["listing", "ip", "other"]),
            **stamp,
        }
        for n in range(int(2_000 * scale))
    ]
    insert_rows(connection, Training, trainings)
    insert_rows(
        connection,
        training_participants,
        [
            {"training_id": t["id"], "enterprise_id": firm}
            for t in trainings
            for firm in set(rng.sample(firm_ids, min(len(firm_ids), 5)))
        ],
    )
    counts["trainings"] = len(trainings)
    advance_sequences(connection, Enterprise, Incubator, ListingCandidate, Training)
    echo(f"  done ({time.perf_counter() - started:.1f}s)")
    return counts


@click.command("synth")
@click.option(
    "--enterprises", type=click.IntRange(1, 2_000_000), required=True, help="How many firms to add."
)
@click.option("--seed", type=int, default=2026, show_default=True, help="The same seed gives the same data.")
@with_appcontext
def synth_command(enterprises: int, seed: int) -> None:
    """Add deterministic synthetic firms and their records (for benchmarks and trials, never production)."""
    counts = generate(enterprises, seed, echo=click.echo)
    click.echo("Added: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
