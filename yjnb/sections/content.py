"""Tables built from plan.yaml's structured content: context, governance, progress, risks.

Each function takes the open plan and returns a :class:`~yjnb.present.tables.Table` for
``plan.show``.
Content invented for demonstration (plan.yaml ``illustrative: [plan, ...]``) is labelled; a
section whose content is missing shows a clearly marked placeholder and the build warns, as
for a missing narrative file.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from yjnb.errors import Problem
from yjnb.inputs.config import key_line
from yjnb.inputs.periods import period_label
from yjnb.inputs.plan_content import Block, vocabulary
from yjnb.present.tables import Table
from yjnb.sections.comparisons import plan_start, reported
from yjnb.stats.rounding import half_up

if TYPE_CHECKING:
    from yjnb.plan import Plan

NOT_RECORDED = "Not yet recorded"
NOT_STATED = "Not stated"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


# -- shared by every structured section -----------------------------------------------------


def plan_file(plan: Plan) -> str:
    """plan.yaml's path as messages show it."""
    return plan.workspace.shown(plan.workspace.plan_file(plan.slug))


def plan_problem(plan: Plan, message: str, key: str, **fields: Any) -> Problem:
    """A warning about plan.yaml content, located by its key's line."""
    row = key_line(plan.workspace.params_dir, plan.slug, key)
    return Problem(plan_file(plan), message, row=row, column=key, severity="warning", **fields)


def long_date(day: datetime.date) -> str:
    """'30 June 2024'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def percent(part: float, whole: float) -> str:
    """A share to one decimal place, rounded half up as people expect (12 of 33 is 36.4%)."""
    if not whole:
        return "not available"
    share = Decimal(str(part)) * 100 / Decimal(str(whole))
    return f"{half_up(share, 1)}%"


def content_table(
    plan: Plan,
    table_id: str,
    caption: str,
    source: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Mapping[str, str],
    numeric: Sequence[str] = (),
    notes: Sequence[str] = (),
    block: Block | None = None,
    tidy: pd.DataFrame | None = None,
    year: str | None = None,
) -> Table:
    """A table of plan.yaml content.

    Parameters
    ----------
    source
        The content path it is built from ('risks', 'workforce.staff'): decides whether it is
        labelled illustrative.
    rows
        One mapping per row, keyed by the tidy (CSV) column names of ``columns``.
    columns
        Tidy column name -> header shown; ``None`` values are shown as blank cells.
    numeric
        Tidy columns holding numbers already formatted for display in ``rows``' view.
    tidy
        The frame published as CSV, where it is not ``rows`` itself (unformatted numbers).
    year
        The year the caption names; default the plan year.
    """
    data = pd.DataFrame(list(rows), columns=list(columns))
    view = pd.DataFrame(
        {
            header: ["" if _blank(value) else str(value) for value in data[name]]
            for name, header in columns.items()
        }
    )
    return Table(
        id=table_id,
        caption=f"{caption}, {plan.config.name}, {year or plan.config.year}",
        data=data if tidy is None else tidy,
        view=view,
        numeric=tuple(columns[n] for n in numeric),
        notes=tuple(notes) + tuple(block.notes if block else ()),
        source=plan.config.name,
        illustrative=plan.config.is_illustrative(source),
    )


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def not_recorded(
    plan: Plan, table_id: str, caption: str, key: str, what: str, file: str | None = None
) -> Table:
    """A marked placeholder for content plan.yaml (or ``file``) lacks, with a build warning."""
    plan.warn(
        Problem(
            file or plan_file(plan),
            f"{what} not recorded: the section shows a placeholder",
            column=key,
            expected=f"an entry '{key}' (see docs/plan-yaml.md)",
            severity="warning",
        )
    )
    where = f"'{key}' in {plan_file(plan)}" if file is None else file
    message = f"{NOT_RECORDED}: add {what} to {where}."
    return Table(
        id=table_id,
        caption=f"{caption}, {plan.config.name}, {plan.config.year}",
        data=pd.DataFrame(columns=["note"]),
        view=pd.DataFrame({caption: [message]}),
        row_header=False,
    )


def drop_empty_columns(table: Table) -> Table:
    """The table without the optional columns no row fills in."""
    keep = [h for h in table.view.columns if (table.view[h] != "").any()]
    tidy = [c for c in table.data.columns if table.data[c].notna().any()]
    return replace(
        table,
        view=table.view[keep],
        data=table.data[tidy],
        numeric=tuple(h for h in table.numeric if h in keep),
    )


# -- 1. Introduction -----------------------------------------------------------------------


def local_context_table(plan: Plan) -> Table:
    """The 10-17 population as published and as local documents state it, and other figures.

    A stated population that differs from the published one is reported as a data note:
    the published figure is the one every rate in the plan uses.
    """
    counts = plan.national.counts
    rows = []
    published = counts[
        (counts["area_code"] == plan.config.area_code) & (counts["measure"] == "population_10_17")
    ]
    published = reported(published, plan_start(plan.config)).sort_values("period_end")
    pub_value = None
    if not published.empty:
        latest = published.iloc[-1]
        pub_value = float(latest["value"])
        period = period_label(latest["period_start"], latest["period_end"])
        rows.append(
            {
                "figure": f"Children aged 10 to 17 ({period}, used for rates in this plan)",
                "value": f"{pub_value:,.0f}",
                "source": latest["source"],
            }
        )
    context = plan.config.local_context
    for i, stated in enumerate(context.population_10_17 if context else ()):
        rows.append(
            {
                "figure": "Children aged 10 to 17, as stated locally",
                "value": f"{stated.value:,.0f}",
                "source": stated.source,
            }
        )
        if pub_value is not None and abs(stated.value - pub_value) >= 0.5:
            plan.warn(
                plan_problem(
                    plan,
                    f"the 10-17 population stated in {stated.source} differs from the "
                    f"published figure every rate uses ({pub_value:,.0f}, {period}) by "
                    f"{stated.value - pub_value:+,.0f}",
                    f"local_context.population_10_17.{i}.value",
                    value=f"{stated.value:,.0f}",
                    expected=f"{pub_value:,.0f}, or a note of why the figures differ",
                )
            )
    for fact in context.facts if context else ():
        rows.append({"figure": fact.label, "value": fact.value, "source": fact.source})
    columns = {"figure": "Figure", "value": "Value", "source": "Source"}
    table = content_table(
        plan,
        "local_context",
        "Local context",
        "local_context",
        rows,
        columns,
        numeric=["value"],
        block=context,
    )
    # The published population is national data, so only stated figures can be invented.
    return table if context else replace(table, illustrative=False)


# -- 2. Governance -------------------------------------------------------------------------


def board_members_table(plan: Plan) -> Table:
    """The management board: organisation, role and name of each member, chair first."""
    board = plan.config.board
    caption = "Management board membership"
    if board is None or not board.members:
        return not_recorded(plan, "board_members", caption, "board", "the board's members")
    members = sorted(board.members, key=lambda m: not m.chair)
    rows = [
        {
            "organisation": m.organisation,
            "role": f"{m.role} (chair)" if m.chair else m.role,
            "name": m.name or "Not named in this plan",
        }
        for m in members
    ]
    notes = [f"The board meets {board.meets}."] if board.meets else []
    columns = {"organisation": "Organisation", "role": "Role", "name": "Name"}
    return content_table(
        plan, "board_members", caption, "board.members", rows, columns, notes=notes, block=board
    )


# -- 3. Progress on the previous plan -------------------------------------------------------


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


# -- 5. Risks ------------------------------------------------------------------------------


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
            "mitigations": " ".join(_sentence(m) for m in r.mitigations) or None,
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


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


# -- 6. Child First ------------------------------------------------------------------------


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
