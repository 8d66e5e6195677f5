"""Section 3, progress on the previous plan (plan.yaml ``previous_priorities``).

The dashboard tables beside them are in :mod:`yjnb.sections.dashboard`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from yjnb.inputs.plan_content import vocabulary
from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    drop_empty_columns,
    not_recorded,
    percent,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def _previous_year(plan: Plan) -> str:
    block = plan.config.previous_priorities
    if block and block.year:
        return block.year
    start = int(plan.config.year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def progress_summary_table(plan: Plan) -> Table:
    """How many of last year's actions were achieved, on track, at risk or not achieved."""
    block = plan.config.previous_priorities
    caption = f"Progress on the actions of the {_previous_year(plan)} plan"
    if block is None or not block.objectives:
        return not_recorded(
            plan, "previous_plan_summary", caption, "previous_priorities", "last year's actions"
        )
    statuses = vocabulary()["statuses"]
    actions = [a for o in block.objectives for a in o.actions]
    rows = []
    for status, label in statuses.items():
        count = sum(a.status == status for a in actions)
        rows.append({"status": label, "actions": count, "percent": percent(count, len(actions))})
    rows.append({"status": "All actions", "actions": len(actions), "percent": "100.0%"})
    table = content_table(
        plan,
        "previous_plan_summary",
        caption,
        "previous_priorities",
        rows,
        {"status": "Status", "actions": "Actions", "percent": "Share of actions"},
        numeric=["actions", "percent"],
    )
    data = table.data.assign(percent=[r["actions"] / len(actions) * 100 for r in rows])
    return replace(table, data=data)


def progress_table(plan: Plan) -> Table:
    """Each of last year's actions with its status in words and what happened."""
    block = plan.config.previous_priorities
    caption = f"Objectives and actions of the {_previous_year(plan)} plan"
    if block is None or not block.objectives:
        return not_recorded(
            plan, "previous_plan_actions", caption, "previous_priorities", "last year's actions"
        )
    statuses = vocabulary()["statuses"]
    rows = [
        {
            "ref": f"{i}.{j}",
            "objective": objective.title,
            "action": action.action,
            "status": statuses[action.status],
            "progress": action.progress,
        }
        for i, objective in enumerate(block.objectives, start=1)
        for j, action in enumerate(objective.actions, start=1)
    ]
    columns = {
        "ref": "Ref",
        "objective": "Objective",
        "action": "Action",
        "status": "Status",
        "progress": "Progress",
    }
    table = content_table(
        plan, "previous_plan_actions", caption, "previous_priorities", rows, columns, block=block
    )
    return drop_empty_columns(table)
