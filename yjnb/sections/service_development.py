"""Section 13, service development.

The objectives for the coming year and the actions under them (plan.yaml
``service_development``).
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


def objectives_table(plan: Plan) -> Table:
    """Service development objectives for the coming year, with their aims."""
    block = plan.config.service_development
    caption = "Service development objectives"
    if block is None or not block.objectives:
        return not_recorded(
            plan,
            "service_development_objectives",
            caption,
            "service_development",
            "the objectives and actions",
        )
    rows = [
        {"ref": str(i), "objective": o.title, "aim": o.aim, "actions": len(o.actions)}
        for i, o in enumerate(block.objectives, start=1)
    ]
    columns = {"ref": "Ref", "objective": "Objective", "aim": "Aim", "actions": "Actions"}
    table = content_table(
        plan,
        "service_development_objectives",
        caption,
        "service_development",
        rows,
        columns,
        numeric=["actions"],
    )
    return drop_empty_columns(table)


def actions_table(plan: Plan) -> Table:
    """Every service development action, numbered by objective, with its lead and date."""
    block = plan.config.service_development
    caption = "Service development actions"
    if block is None or not block.objectives:
        return not_recorded(
            plan,
            "service_development_actions",
            caption,
            "service_development",
            "the objectives and actions",
        )
    rows = [
        {"ref": f"{i}.{j}", "action": a.action, "lead": a.lead, "by": a.by}
        for i, o in enumerate(block.objectives, start=1)
        for j, a in enumerate(o.actions, start=1)
    ]
    columns = {"ref": "Ref", "action": "Action", "lead": "Lead", "by": "By"}
    notes = ["Each action's reference starts with the number of its objective."]
    table = content_table(
        plan,
        "service_development_actions",
        caption,
        "service_development",
        rows,
        columns,
        notes=notes,
        block=block,
    )
    return drop_empty_columns(table)
