"""Section 10, evidence-based practice, innovation and evaluation.

The practice the service bases on evidence, and its evaluations (plan.yaml ``evidence``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    drop_empty_columns,
    not_recorded,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def evidence_table(plan: Plan) -> Table:
    """Evidence-based practice and innovation, with the evidence and evaluation of each."""
    block = plan.config.evidence
    caption = "Evidence-based practice, innovation and evaluation"
    if block is None or not block.initiatives:
        return not_recorded(plan, "evidence", caption, "evidence", "practice and its evidence")
    rows = [
        {
            "name": i.name,
            "description": i.description,
            "evidence": i.evidence,
            "evaluation": i.evaluation,
        }
        for i in block.initiatives
    ]
    columns = {
        "name": "Practice or initiative",
        "description": "What it is",
        "evidence": "Evidence",
        "evaluation": "Evaluation",
    }
    table = content_table(plan, "evidence", caption, "evidence", rows, columns, block=block)
    return drop_empty_columns(table)
