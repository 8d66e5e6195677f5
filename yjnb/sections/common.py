"""What every section built from plan.yaml's structured content shares.

Each section's builder takes the open plan and returns a :class:`~yjnb.present.tables.Table`
for ``plan.show``. Content invented for demonstration (plan.yaml ``illustrative: [plan, ...]``)
is labelled; a section whose content is missing shows a clearly marked placeholder
(:func:`not_recorded`) and the build warns, as for a missing narrative file.
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
from yjnb.inputs.plan_content import Block
from yjnb.present.tables import Table
from yjnb.stats.rounding import half_up

if TYPE_CHECKING:
    from yjnb.plan import Plan


NOT_RECORDED = "Not yet recorded"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


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


def sentence(text: str) -> str:
    """The text, ending with a full stop unless it already ends a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
