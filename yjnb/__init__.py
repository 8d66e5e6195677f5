"""yjnb: reproducible Youth Justice Plans from parameterised notebooks.

Everything a notebook calls is here, as ``yjnb.<name>``, imported from its module on first
use: the command line and the batch runner, which need none of it, start without loading
matplotlib and the rest.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from yjnb.paths import format_warning

# Warnings a notebook prints are kept in the executed notebook: they name no local folder.
warnings.formatwarning = format_warning

_EXPORTS = {
    "cohort_section": "yjnb.appendix",
    "kpi_section": "yjnb.appendix",
    "standards_section": "yjnb.appendix",
    "board_attendance_table": "yjnb.board",
    "board_chart": "yjnb.board",
    "board_kpi_table": "yjnb.board",
    "budget_chart": "yjnb.budget",
    "budget_table": "yjnb.budget",
    "contributions_table": "yjnb.budget",
    "cohort_profile": "yjnb.cohort",
    "cohort_summary": "yjnb.cohort",
    "comparison_table": "yjnb.comparisons",
    "indicators_table": "yjnb.comparisons",
    "population_table": "yjnb.comparisons",
    "board_members_table": "yjnb.content",
    "child_first_table": "yjnb.content",
    "local_context_table": "yjnb.content",
    "progress_summary_table": "yjnb.content",
    "progress_table": "yjnb.content",
    "risk_register_table": "yjnb.content",
    "first_time_entrants_table": "yjnb.dashboard",
    "need_by_group_table": "yjnb.dashboard",
    "reoffending_table": "yjnb.dashboard",
    "actions_table": "yjnb.development",
    "board_development_table": "yjnb.development",
    "evidence_table": "yjnb.development",
    "local_priorities_table": "yjnb.development",
    "national_priorities_table": "yjnb.development",
    "objectives_table": "yjnb.development",
    "sign_off_table": "yjnb.development",
    "staffing_by_funder_table": "yjnb.development",
    "staffing_table": "yjnb.development",
    "training_table": "yjnb.development",
    "disproportionality_table": "yjnb.disproportionality",
    "kpi_chart": "yjnb.kpi_charts",
    "kpi_headlines": "yjnb.kpi_summary",
    "kpi_table": "yjnb.kpi_tables",
    "Plan": "yjnb.plan",
    "open_plan": "yjnb.plan",
    "share_of_area_table": "yjnb.shares",
    "comparison_chart": "yjnb.trends",
    "trend_chart": "yjnb.trends",
    "check_narrative_figures": "yjnb.typed_figures",
    "audit_table": "yjnb.voice",
    "feedback_charts": "yjnb.voice",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'yjnb' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
