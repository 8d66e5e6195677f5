"""Section 9, workforce development.

Staff posts, their funders, and training delivered and planned (plan.yaml ``workforce``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from yjnb.present.tables import Table
from yjnb.sections.common import (
    content_table,
    drop_empty_columns,
    not_recorded,
    percent,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan


def _fte(value: float) -> str:
    return f"{value:,.1f}"


def staffing_table(plan: Plan) -> Table:
    """Staff by role: funding partner, contract, posts and full-time equivalent, with totals."""
    block = plan.config.workforce
    caption = "Staffing by role and funding partner"
    if block is None or not block.staff:
        return not_recorded(plan, "staffing", caption, "workforce.staff", "the staff team")
    rows = [
        {
            "role": p.role,
            "funded_by": p.funded_by,
            "contract": p.contract,
            "posts": p.posts,
            "fte": p.full_time_equivalent,
        }
        for p in block.staff
    ]
    total = {
        "role": "Total",
        "funded_by": None,
        "contract": None,
        "posts": sum(p.posts for p in block.staff),
        "fte": sum(p.full_time_equivalent for p in block.staff),
    }
    shown = [{**r, "fte_shown": _fte(r["fte"]), "posts_shown": f"{r['posts']:,}"} for r in rows]
    shown.append({**total, "fte_shown": _fte(total["fte"]), "posts_shown": f"{total['posts']:,}"})
    columns = {
        "role": "Role",
        "funded_by": "Funded by",
        "contract": "Contract",
        "posts_shown": "Posts",
        "fte_shown": "Full-time equivalent",
    }
    notes = []
    if any(p.fte is None for p in block.staff):
        notes.append("Where no full-time equivalent is given, each post counts as 1.0.")
    if block.volunteers:
        notes.append(f"The service is also supported by {block.volunteers} volunteers.")
    table = content_table(
        plan,
        "staffing",
        caption,
        "workforce.staff",
        shown,
        columns,
        numeric=["posts_shown", "fte_shown"],
        notes=notes,
        block=block,
        tidy=pd.DataFrame([*rows, total]),
    )
    return drop_empty_columns(table)


def staffing_by_funder_table(plan: Plan) -> Table:
    """Posts and full-time equivalent by funding partner, with each partner's share."""
    block = plan.config.workforce
    caption = "Staffing by funding partner"
    if block is None or not block.staff:
        return not_recorded(
            plan, "staffing_by_funder", caption, "workforce.staff", "the staff team"
        )
    funders: dict[str, list[float]] = {}
    for post in block.staff:
        posts, fte = funders.setdefault(post.funded_by, [0, 0.0])
        funders[post.funded_by] = [posts + post.posts, fte + post.full_time_equivalent]
    total_fte = sum(fte for _, fte in funders.values())
    total_posts = sum(posts for posts, _ in funders.values())
    tidy = [
        {"funded_by": name, "posts": posts, "fte": fte, "share": fte / total_fte * 100}
        for name, (posts, fte) in sorted(funders.items(), key=lambda kv: -kv[1][1])
    ]
    tidy.append({"funded_by": "Total", "posts": total_posts, "fte": total_fte, "share": 100.0})
    rows = [
        {
            "funded_by": r["funded_by"],
            "posts": f"{r['posts']:,}",
            "fte": _fte(r["fte"]),
            "share": percent(r["fte"], total_fte),
        }
        for r in tidy
    ]
    columns = {
        "funded_by": "Funding partner",
        "posts": "Posts",
        "fte": "Full-time equivalent",
        "share": "Share of full-time equivalent",
    }
    table = content_table(
        plan,
        "staffing_by_funder",
        caption,
        "workforce.staff",
        rows,
        columns,
        numeric=["posts", "fte", "share"],
        tidy=pd.DataFrame(tidy),
    )
    return table


def training_table(plan: Plan) -> Table:
    """Training delivered last year and planned for the plan year."""
    block = plan.config.workforce
    caption = "Training delivered and planned"
    if block is None or not (block.training_delivered or block.training_planned):
        return not_recorded(plan, "workforce_training", caption, "workforce", "training")
    start = int(plan.config.year[:4]) - 1
    last_year = f"{start}-{(start + 1) % 100:02d}"
    rows = [
        {
            "course": t.course,
            "audience": t.audience,
            "attendees": None if t.attendees is None else f"{t.attendees:,}",
            "status": status,
        }
        for items, status in (
            (block.training_delivered, f"Delivered in {last_year}"),
            (block.training_planned, f"Planned for {plan.config.year}"),
        )
        for t in items
    ]
    columns = {
        "course": "Training",
        "audience": "Who for",
        "attendees": "Staff trained",
        "status": "Status",
    }
    paths = ("workforce.training_delivered", "workforce.training_planned")
    table = content_table(
        plan, "workforce_training", caption, paths[0], rows, columns, numeric=["attendees"]
    )
    illustrative = any(plan.config.is_illustrative(p) for p in paths)
    return drop_empty_columns(replace(table, illustrative=illustrative))
