"""The parts of the performance appendix (section 15) and of standards (section 12).

Each function returns what one notebook cell shows, in order: a list, empty when the input
file it needs is absent (every local file but kpis.csv is optional).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.present.headings import Heading
from yjnb.sections.board import KPI as BOARD_KPI
from yjnb.sections.board import TITLE as BOARD_TITLE
from yjnb.sections.board import board_attendance_table, board_chart, board_kpi_table
from yjnb.sections.cohort import cohort_profile, cohort_summary
from yjnb.sections.disproportionality import disproportionality_table
from yjnb.sections.kpi_charts import kpi_chart
from yjnb.sections.kpi_tables import kpi_table
from yjnb.sections.kpis import kpi_spec
from yjnb.sections.voice import audit_table

if TYPE_CHECKING:
    from yjnb.plan import Plan, Shown


def kpi_section(plan: Plan, kpi: str) -> list[Shown]:
    """One KPI's heading (id ``kpi-<kpi>``), chart and table(s); ``board_attendance`` for KPI 8.

    Parameters
    ----------
    plan
        The open plan.
    kpi
        A kpi of kpis.csv (``accommodation`` ... ``victims``) or ``board_attendance``.
    """
    if kpi == BOARD_KPI:
        if plan.local.board_attendance is None:
            return []
        heading = Heading(BOARD_TITLE, kpi_anchor(kpi))
        return [heading, board_chart(plan), board_attendance_table(plan), board_kpi_table(plan)]
    spec = kpi_spec(kpi)  # an unknown kpi is a mistake in the notebook, not missing data
    if not (plan.local.kpis["kpi"] == kpi).any():
        return []
    return [Heading(spec.name, kpi_anchor(kpi)), kpi_chart(plan, kpi), kpi_table(plan, kpi)]


def kpi_anchor(kpi: str) -> str:
    """The id of a KPI's heading, for links: ``kpi-accommodation``, ``kpi-board_attendance``."""
    return f"kpi-{kpi}"


def cohort_section(plan: Plan) -> list[Shown]:
    """The cohort summary and profile, then disproportionality (needs cohort.csv)."""
    if plan.local.cohort is None:
        return []
    return [cohort_summary(plan), cohort_profile(plan), disproportionality_table(plan)]


def standards_section(plan: Plan) -> list[Shown]:
    """Audit grades (needs audits.csv)."""
    table = audit_table(plan)
    return [] if table is None else [table]
