"""yjnb: reproducible Youth Justice Plans from parameterised notebooks.

Everything a notebook calls is here, as ``yjnb.<name>``, imported from its module on first
use: the command line and the batch runner, which need none of it, start without loading
matplotlib and the rest. The names are listed once, as the imports under ``TYPE_CHECKING``
below, which editors and type checkers follow to their definitions; at run time each is
imported from the module named there when a notebook first asks for it.
"""

from __future__ import annotations

import importlib
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yjnb.paths import format_warning

# Warnings a notebook prints are kept in the executed notebook: they name no local folder.
warnings.formatwarning = format_warning

if TYPE_CHECKING:
    from yjnb.narrative.typed_figures import check_narrative_figures
    from yjnb.plan import Plan, open_plan
    from yjnb.sections.board_development import board_development_table
    from yjnb.sections.child_first import child_first_table
    from yjnb.sections.cohort import (
        cohort_profile,
        cohort_summary,
    )
    from yjnb.sections.comparisons import (
        comparison_table,
        indicators_table,
        population_table,
    )
    from yjnb.sections.dashboard import (
        first_time_entrants_table,
        need_by_group_table,
        reoffending_table,
    )
    from yjnb.sections.disproportionality import (
        disproportionality_table,
    )
    from yjnb.sections.evidence import evidence_table
    from yjnb.sections.glance import at_a_glance, comparators_at_a_glance
    from yjnb.sections.governance import (
        board_attendance_table,
        board_chart,
        board_kpi_table,
        board_members_table,
    )
    from yjnb.sections.introduction import local_context_table
    from yjnb.sections.kpi_charts import kpi_chart
    from yjnb.sections.kpi_summary import kpi_headlines
    from yjnb.sections.kpi_tables import kpi_table
    from yjnb.sections.performance_appendix import (
        cohort_section,
        feedback_charts,
        kpi_section,
    )
    from yjnb.sections.priorities import (
        local_priorities_table,
        national_priorities_table,
    )
    from yjnb.sections.progress import (
        progress_summary_table,
        progress_table,
    )
    from yjnb.sections.resources import (
        budget_chart,
        budget_table,
        contributions_table,
    )
    from yjnb.sections.risks import risk_register_table
    from yjnb.sections.service_development import (
        actions_table,
        objectives_table,
    )
    from yjnb.sections.shares import share_of_area_table
    from yjnb.sections.sign_off import sign_off_table
    from yjnb.sections.standards import audit_table, standards_section
    from yjnb.sections.trends import (
        comparison_chart,
        trend_chart,
    )
    from yjnb.sections.workforce import (
        staffing_by_funder_table,
        staffing_table,
        training_table,
    )

# Ruff checks that every name imported above is listed here, and every name listed is imported.
__all__ = [
    "Plan",
    "actions_table",
    "at_a_glance",
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
    "comparators_at_a_glance",
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


@cache
def _exports() -> dict[str, str]:
    """Each name imported under ``TYPE_CHECKING`` above, with the module it comes from."""
    import ast

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    return {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def __getattr__(name: str) -> Any:
    try:
        module = _exports()[name]
    except KeyError:
        raise AttributeError(f"module 'yjnb' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_exports()})
