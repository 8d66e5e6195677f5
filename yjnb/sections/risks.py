"""Section 5, risks and issues.

The risk register, each risk rated from its likelihood and impact (plan.yaml ``risks``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.inputs.plan_content import vocabulary
from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    drop_empty_columns,
    not_recorded,
    sentence,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def risk_rating(likelihood: str | None, impact: str | None) -> str | None:
    """'High', 'Medium' or 'Low' from likelihood x impact; None if either is not rated."""
    if likelihood is None or impact is None:
        return None
    vocab = vocabulary()
    levels = vocab["risk_levels"]
    return vocab["risk_ratings"][levels[likelihood] * levels[impact]]


def risk_register_table(plan: Plan) -> Table:
    """The risk register: risk, likelihood, impact, rating, mitigations and owner."""
    block = plan.config.risks
    caption = "Risk register"
    if block is None or not block.entries:
        return not_recorded(plan, "risk_register", caption, "risks", "the risk register")
    rows = [
        {
            "risk": r.risk,
            "likelihood": r.likelihood.capitalize() if r.likelihood else None,
            "impact": r.impact.capitalize() if r.impact else None,
            "rating": risk_rating(r.likelihood, r.impact),
            "mitigations": " ".join(sentence(m) for m in r.mitigations) or None,
            "owner": r.owner,
        }
        for r in block.entries
    ]
    columns = {
        "risk": "Risk",
        "likelihood": "Likelihood",
        "impact": "Impact",
        "rating": "Rating",
        "mitigations": "Actions to mitigate",
        "owner": "Owner",
    }
    notes = []
    if any(r.likelihood and r.impact for r in block.entries):
        notes.append(
            "Rating is likelihood times impact, each low (1), medium (2) or high (3): "
            "a score of 6 or more is high, 3 or 4 medium, 1 or 2 low."
        )
    table = content_table(
        plan, "risk_register", caption, "risks", rows, columns, notes=notes, block=block
    )
    return drop_empty_columns(table)
