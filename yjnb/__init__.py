"""yjnb: reproducible Youth Justice Plans from parameterised notebooks."""

from yjnb.appendix import cohort_section, kpi_section, standards_section
from yjnb.board import board_attendance_table, board_chart, board_kpi_table
from yjnb.budget import budget_chart, budget_table, contributions_table
from yjnb.cohort import cohort_profile, cohort_summary
from yjnb.comparisons import comparison_table, indicators_table, population_table
from yjnb.content import (
    board_members_table,
    child_first_table,
    local_context_table,
    progress_summary_table,
    progress_table,
    risk_register_table,
)
from yjnb.dashboard import first_time_entrants_table, need_by_group_table, reoffending_table
from yjnb.development import (
    actions_table,
    board_development_table,
    evidence_table,
    local_priorities_table,
    national_priorities_table,
    objectives_table,
    sign_off_table,
    staffing_by_funder_table,
    staffing_table,
    training_table,
)
from yjnb.disproportionality import disproportionality_table
from yjnb.kpi_charts import kpi_chart
from yjnb.kpi_summary import kpi_headlines
from yjnb.kpi_tables import kpi_table
from yjnb.plan import Plan, open_plan
from yjnb.shares import share_of_area_table
from yjnb.trends import comparison_chart, trend_chart
from yjnb.typed_figures import check_narrative_figures
from yjnb.voice import audit_table, feedback_charts

__all__ = [
    "Plan",
    "actions_table",
    "audit_table",
    "board_attendance_table",
    "board_chart",
    "board_development_table",
    "board_kpi_table",
    "board_members_table",
    "budget_chart",
    "budget_table",
    "check_narrative_figures",
    "child_first_table",
    "cohort_profile",
    "cohort_section",
    "cohort_summary",
    "comparison_chart",
    "comparison_table",
    "contributions_table",
    "disproportionality_table",
    "evidence_table",
    "feedback_charts",
    "first_time_entrants_table",
    "indicators_table",
    "kpi_chart",
    "kpi_headlines",
    "kpi_section",
    "kpi_table",
    "local_context_table",
    "local_priorities_table",
    "national_priorities_table",
    "need_by_group_table",
    "objectives_table",
    "open_plan",
    "population_table",
    "progress_summary_table",
    "progress_table",
    "reoffending_table",
    "risk_register_table",
    "share_of_area_table",
    "sign_off_table",
    "staffing_by_funder_table",
    "staffing_table",
    "standards_section",
    "training_table",
    "trend_chart",
]
__version__ = "0.1.0"
