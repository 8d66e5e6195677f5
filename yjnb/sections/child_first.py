"""Section 6, Child First.

How the service meets each of the four principles (plan.yaml ``child_first``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.inputs.plan_content import vocabulary
from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    not_recorded,
    plan_problem,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def child_first_table(plan: Plan) -> Table:
    """The four Child First principles, what each asks and how the service meets it."""
    block = plan.config.child_first
    caption = "How we meet the Child First principles"
    if block is None:
        return not_recorded(plan, "child_first", caption, "child_first", "the four principles")
    rows, missing = [], []
    for key, principle in vocabulary()["child_first"].items():
        how = getattr(block, key)
        if not how:
            missing.append(principle["label"])
        rows.append(
            {
                "principle": principle["label"],
                "meaning": principle["meaning"],
                "how": how or "Not described in this plan",
            }
        )
    if missing:
        plan.warn(
            plan_problem(
                plan, "Child First principles not described: " + ", ".join(missing), "child_first"
            )
        )
    columns = {"principle": "Principle", "meaning": "What it asks", "how": "How we meet it"}
    return content_table(plan, "child_first", caption, "child_first", rows, columns, block=block)
