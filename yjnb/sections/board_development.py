"""Section 8, board development.

How the board develops: activities delivered and planned (plan.yaml ``board_development``).
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


def board_development_table(plan: Plan) -> Table:
    """Board development activities, delivered and planned."""
    block = plan.config.board_development
    caption = "Board development"
    if block is None or not block.activities:
        return not_recorded(
            plan, "board_development", caption, "board_development", "board development"
        )
    rows = [
        {"activity": a.activity, "when": a.when, "status": a.status.capitalize()}
        for a in block.activities
    ]
    columns = {"activity": "Activity", "when": "When", "status": "Status"}
    table = content_table(
        plan, "board_development", caption, "board_development", rows, columns, block=block
    )
    return drop_empty_columns(table)
