"""Section 14, sign off, submission and approval.

Who approved the plan, when, and how it was submitted (plan.yaml ``sign_off``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    long_date,
    not_recorded,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def sign_off_table(plan: Plan) -> Table:
    """The signature block: the chair's name, role and organisation, and the date signed."""
    block = plan.config.sign_off
    caption = "Sign off"
    if block is None:
        return not_recorded(plan, "sign_off", caption, "sign_off", "who signed the plan off")
    entries = [
        ("Chair of the management board", block.name),
        ("Role", block.role),
        ("Organisation", block.organisation),
        ("Signature", f"Signed by {block.name}"),
        ("Date", long_date(block.date)),
        ("Approved by", block.approved_by),
        (
            "Submitted to the Youth Justice Board",
            long_date(block.submitted) if block.submitted else None,
        ),
    ]
    rows = [{"item": item, "detail": detail} for item, detail in entries if detail]
    table = content_table(
        plan,
        "sign_off",
        caption,
        "sign_off",
        rows,
        {"item": "Item", "detail": "Detail"},
        block=block,
    )
    return replace(table, data=table.data.assign(date=block.date.isoformat()))
