"""The seed's report as a finished report in the workspace (REPORT.md §2, §4).

The seed's outline (registry/reports/seed_outline.py), a report for 2021-01-01 … 2021-07-31 on it, the seed's
figures from other offices with their sources, each section assigned to the office whose figures it quotes
and reviewed, then finalised: the numbers frozen in a snapshot and the document stored. Its document is the
seed's whole text in simplified script, every registry number computed from the demo records
(tests/test_demo_report.py compares them). Written through the workspace's own services, as a writer would.
"""

from __future__ import annotations

from datetime import date

from ..enums import SectionState
from ..models import Report
from ..reports.periods import Period
from ..reports.seed_outline import SEED_FIGURES
from ..reports.workspace import lifecycle
from ..reports.workspace.placeholders import placeholders
from .builder import REPORT_END

PERIOD = Period(date(2021, 1, 1), REPORT_END)
SIGNED_ON = date(2021, 8, 5)  # the seed gives no date; a week after its period, as such reports are sent


def seed_report() -> Report | None:
    """Create and finalise the seed's report, once: nothing when a report of that period exists."""
    if lifecycle.report_of_period(PERIOD) is not None:
        return None
    outline = lifecycle.default_outline()
    report = lifecycle.create_report(
        None, {"outline_id": outline.id, "start": PERIOD.start, "end": PERIOD.end, "issued_on": SIGNED_ON}
    )
    for figure in SEED_FIGURES:
        lifecycle.add_figure(None, report.id, figure)
    source_of = {figure["name"]: figure["source"] for figure in SEED_FIGURES}
    for section in list(report.sections):
        quoted = [p.argument for p in placeholders([section.text]) if p.kind == "figure"]
        values = {"state": SectionState.REVIEWED}
        if quoted:
            values["department"] = source_of[quoted[0]]
        lifecycle.update_section(None, report.id, section.code, section.version, values)
    return lifecycle.finalise(None, report.id, report.version)
