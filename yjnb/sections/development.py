"""Tables of what the service develops and commits to: board, workforce, practice, priorities.

Sections 8 to 14 of the plan, from plan.yaml's structured content (see
:mod:`yjnb.sections.content` for the conventions every content table follows).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from yjnb.inputs.plan_content import vocabulary
from yjnb.present.tables import Table
from yjnb.sections.content import (
    content_table,
    drop_empty_columns,
    long_date,
    not_recorded,
    percent,
    plan_problem,
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


# -- 9. Workforce --------------------------------------------------------------------------


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


# -- 11. Priorities ------------------------------------------------------------------------


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
                "actions": " ".join(_sentence(a) for a in entry.actions)
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


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


# -- 13. Service development ---------------------------------------------------------------


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


# -- 14. Sign off --------------------------------------------------------------------------


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
