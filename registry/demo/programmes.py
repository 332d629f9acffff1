"""The demo county's programme records: certifications, IP-pledge outreach and loans, the listing reserve
and trainings. A mixin of :class:`~registry.demo.builder.DemoBuilder`, which supplies ``firms``, ``towns``,
``rng``, ``add`` and ``certification``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ..models import Enterprise, ListingCandidate, Outreach, PledgeLoan, StageChange, Training
from . import data

D = date.fromisoformat


class ProgrammeRecords:
    def certifications(self, high_value: list[Enterprise], others: list[Enterprise]) -> None:
        f = self.firms
        c = self.certification
        # 科技型中小企业: 8 registered in the period, 6 in 2020 (expired at the end of 2020), 2 after it.
        registered = [f["jintian"], f["kelong"], f["kaiwei"], f["songdafang"], f["haoye"], *high_value[10:13]]
        days = [
            "2021-03-18",
            "2021-04-08",
            "2021-04-29",
            "2021-05-20",
            "2021-06-10",
            "2021-06-24",
            "2021-07-08",
            "2021-07-22",
        ]
        for n, (firm, day) in enumerate(zip(registered, days, strict=True), start=1):
            c(
                firm,
                "tech_sme",
                "national",
                applied_on=D(day) - timedelta(days=30),
                approved_on=D(day),
                certificate_no=f"2021211122{n:06d}",
            )
        for n, firm in enumerate(others[:6], start=1):
            c(
                firm,
                "tech_sme",
                "national",
                applied_on=D("2020-04-01"),
                approved_on=D("2020-05-15"),
                certificate_no=f"2020211122{n:06d}",
            )
        for n, firm in enumerate(others[6:8], start=9):
            c(
                firm,
                "tech_sme",
                "national",
                applied_on=D("2021-08-10"),
                approved_on=D("2021-09-16"),
                certificate_no=f"2021211122{n:06d}",
            )
        # 高新技术企业: three valid certificates, three applications in the period (one approved later).
        c(
            f["dayu"],
            "high_tech",
            "national",
            applied_on=D("2019-06-20"),
            approved_on=D("2019-12-02"),
            certificate_no="GR201921000318",
        )
        c(
            f["fulong"],
            "high_tech",
            "national",
            applied_on=D("2020-06-15"),
            approved_on=D("2020-12-01"),
            certificate_no="GR202021000527",
        )
        c(
            f["tianyuan"],
            "high_tech",
            "national",
            applied_on=D("2018-06-30"),
            approved_on=D("2018-11-30"),
            certificate_no="GR201821000112",
        )
        c(
            f["jintian"],
            "high_tech",
            "national",
            applied_on=D("2021-06-28"),
            approved_on=D("2021-12-14"),
            certificate_no="GR202121001046",
        )
        c(f["kelong"], "high_tech", "national", status="applied", applied_on=D("2021-06-28"))
        c(f["hualong"], "high_tech", "national", status="applied", applied_on=D("2021-07-05"))
        # 专精特新: 大禹 national 小巨人 (1st batch, 2019), selected in May 2021 for key support (重点“小巨人”,
        # 第一批第一年: a record of its own, which the report's event phrase dates); 富隆 (3rd batch, July 2021).
        c(
            f["dayu"],
            "little_giant",
            "national",
            applied_on=D("2019-03-10"),
            approved_on=D("2019-06-06"),
            batch=1,
        )
        c(f["dayu"], "little_giant", "national", approved_on=D("2021-05-20"), batch=1, key_support=True)
        c(
            f["fulong"],
            "little_giant",
            "national",
            applied_on=D("2021-03-01"),
            approved_on=D("2021-07-19"),
            batch=3,
        )
        # Provincial applications in June 2021, in the order the report lists the firms.
        products = {
            "jintian": ("高阻隔多层共挤功能膜", "2021-06-10"),
            "fulong": ("高纯度聚醚胺", "2021-06-12"),
            "tianyuan": ("注射用头孢类原料药", "2021-06-15"),
            "hualong": ("自粘聚合物改性沥青防水卷材", "2021-06-18"),
            "kelong": ("油田用环保型清防蜡剂", "2021-06-20"),
        }
        for key, (product, day) in products.items():
            c(
                f[key],
                "srdi_product",
                "provincial",
                status="applied",
                applied_on=D(day),
                product_name=product,
            )
            if key != "kelong":
                c(f[key], "little_giant", "provincial", status="applied", applied_on=D(day))
        for key, day in [("dayu", "2018-10-12"), ("jintian", "2020-10-20"), ("kelong", "2020-10-20")]:
            c(f[key], "srdi_sme", "provincial", applied_on=D(day) - timedelta(days=60), approved_on=D(day))
        c(
            f["haoye"], "srdi_sme", "provincial", applied_on=D("2017-08-01"), approved_on=D("2017-10-10")
        )  # expired 2020
        # Registered for 2020 and revoked after a spot check: counts in no 2021 figure.
        c(
            others[8],
            "tech_sme",
            "national",
            status="revoked",
            applied_on=D("2020-04-01"),
            approved_on=D("2020-06-01"),
            revoked_on=D("2020-09-30"),
            certificate_no="2020211122000099",
        )

    def outreach(self, high_value: list[Enterprise]) -> None:
        start = D("2021-03-01")
        for index, firm in enumerate(high_value):
            self.add(
                Outreach(
                    held_on=start + timedelta(days=index * 6),
                    enterprise=firm,
                    form="visit",
                    attendees=3,
                    staff=data.OUTREACH_STAFF,
                    notes="宣传知识产权质押融资政策，了解融资需求",
                )
            )
        for firm in high_value[:3]:  # second visits: still 22 firms
            self.add(
                Outreach(
                    held_on=D("2021-07-20"),
                    enterprise=firm,
                    form="visit",
                    attendees=2,
                    staff=data.OUTREACH_STAFF,
                )
            )
        for index, (code, _name) in enumerate(data.TOWNS):
            self.add(
                Outreach(
                    held_on=D("2021-04-19") + timedelta(days=index),
                    town=self.towns[code],
                    form="seminar",
                    attendees=self.rng.randint(25, 80),
                    staff=data.OUTREACH_STAFF,
                    notes="世界知识产权日宣传周",
                )
            )
        self.add(
            Outreach(
                held_on=D("2021-07-28"),
                town=self.towns["taiping"],
                form="online",
                attendees=120,
                staff=data.OUTREACH_STAFF,
            )
        )
        self.add(Outreach(held_on=D("2020-11-10"), enterprise=self.firms["dayu"], form="visit", attendees=2))
        self.add(Outreach(held_on=D("2021-08-18"), town=self.towns["hujia"], form="seminar", attendees=40))

    def loans(self) -> None:
        f = self.firms
        for key, day, amount, ip_type, status in [
            ("fulong", "2020-09-10", "500", "patent", "repaid"),
            ("dayu", "2021-03-25", "800", "patent", "active"),
            ("kelong", "2021-06-30", "300", "mixed", "active"),
            ("kaiwei", "2021-09-02", "150.5", "trademark", "active"),
        ]:
            self.add(
                PledgeLoan(
                    enterprise=f[key],
                    lender="盘锦银行盘山支行",
                    guarantor="辽宁省融资担保集团有限公司",
                    ip_type=ip_type,
                    registered_on=D(day),
                    amount_wan=Decimal(amount),
                    term_months=12,
                    status=status,
                    registration_no=f"Y{day[:4]}{self.rng.randrange(10**9, 10**10)}",
                )
            )

    def listing(self, others: list[Enterprise]) -> None:
        f = self.firms

        def candidate(firm, entered, tier, board, stages):
            row = ListingCandidate(
                enterprise=firm,
                entered_on=D(entered),
                tier=tier,
                target_board=board,
                sponsor="中信证券股份有限公司" if tier == "key" else None,
            )
            row.stages = [StageChange(stage=s, changed_on=D(d)) for s, d in [("reserve", entered), *stages]]
            return self.add(row)

        candidate(
            f["dayu"],
            "2019-03-01",
            "key",
            "star",
            [("shareholding_reform", "2020-06-30"), ("tutoring_filed", "2021-04-15")],
        )
        candidate(f["fulong"], "2020-05-01", "general", "neeq", [])
        candidate(f["tianyuan"], "2021-03-10", "general", "chinext", [])
        candidate(others[9], "2018-06-01", "key", "bse", [("withdrawn", "2020-08-31")])
        # Entered after the report's period as a general candidate; becomes a key one in 2025 (builder.histories).
        self.promoted = candidate(others[20], "2023-05-10", "general", "bse", [])

    def trainings(self) -> None:
        f = self.firms
        for day, title, topic, keys in [
            ("2021-04-22", "企业上市与科创板政策“云培训”", "listing", ["dayu", "fulong", "tianyuan"]),
            ("2021-06-17", "资本大讲堂线上培训", "listing", ["dayu", "fulong", "jintian", "kelong"]),
            ("2021-04-26", "世界知识产权日知识产权质押融资培训", "ip", ["kelong", "kaiwei", "songdafang"]),
            ("2021-10-21", "北交所开市政策解读", "listing", ["dayu", "fulong"]),
        ]:
            self.add(Training(held_on=D(day), title=title, topic=topic, participants=[f[k] for k in keys]))
