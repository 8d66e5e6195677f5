"""Section 11, priorities for the coming year and national priority areas.

The local priorities, and how the plan addresses each national priority area (plan.yaml
``priorities``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yjnb.inputs.plan_content import vocabulary
from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    drop_empty_columns,
    not_recorded,
    plan_problem,
    sentence,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def local_priorities_table(plan: Plan) -> Table:
    """The service's own priorities for the coming year."""
    block = plan.config.priorities
    caption = "Our priorities for the coming year"
    if block is None or not block.local:
        return not_recorded(plan, "local_priorities", caption, "priorities.local", "priorities")
    rows = [
        {"number": i, "priority": p.priority, "detail": p.detail}
        for i, p in enumerate(block.local, start=1)
    ]
    columns = {"number": "Number", "priority": "Priority", "detail": "What it means"}
    table = content_table(
        plan, "local_priorities", caption, "priorities.local", rows, columns, block=block
    )
    return drop_empty_columns(table)


def national_priorities_table(plan: Plan) -> Table:
    """Each national priority area with where the service is and how it will address it.

    Areas the plan does not address are listed as such and reported as a data note: the YJB
    expects every plan to address every area.
    """
    block = plan.config.priorities
    caption = "National priority areas"
    if block is None:
        return not_recorded(
            plan, "national_priorities", caption, "priorities.national", "the national areas"
        )
    rows, missing = [], []
    for key, area in vocabulary()["national_priorities"].items():
        entry = getattr(block.national, key)
        if entry is None:
            missing.append(area["label"])
        rows.append(
            {
                "area": area["label"],
                "context": entry.context if entry else None,
                "actions": " ".join(sentence(a) for a in entry.actions)
                if entry
                else "Not addressed in this plan",
            }
        )
    if missing:
        plan.warn(
            plan_problem(
                plan,
                f"{len(missing)} of the {len(rows)} national priority areas not addressed: "
                + ", ".join(missing),
                "priorities.national",
                expected="an entry for every national priority area",
            )
        )
    columns = {
        "area": "National priority area",
        "context": "Where we are",
        "actions": "How we plan to address it",
    }
    return content_table(
        plan, "national_priorities", caption, "priorities.national", rows, columns
    )
