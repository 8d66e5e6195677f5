"""The service's own performance dashboard: first time entrants, reoffending, children with a need.

These are counts of children from the service's records (plan.yaml ``dashboard``), so the
tables are :class:`~yjnb.present.suppress.Protected`: whole for the board, with statistical
disclosure control in public. Totals and percentages are computed; a stated ``Total`` row,
percentage or difference is checked and a disagreement is a data note (the computed figure
is the one shown).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from yjnb.present.shown import SAME, judgement, percent, percent_text, points_words
from yjnb.present.suppress import SUPPRESSED, Cells, CountsBuilder, Protected
from yjnb.present.tables import Table
from yjnb.sections.common import not_recorded, plan_problem
from yjnb.stats.indicators import INDICATORS
from yjnb.stats.rounding import half_up

if TYPE_CHECKING:
    from yjnb.inputs.plan_content import Dashboard
    from yjnb.plan import Plan

TOTAL = "Total"
REOFFENDING = INDICATORS["reoffending_rate"]  # less reoffending is better, locally too
SOURCE = "The service's case management records, as published in its performance dashboard"


def is_total(name: str) -> bool:
    """True for a row that states the total of the others ('Total', in any case)."""
    return name.strip().casefold() == TOTAL.casefold()


def _year(plan: Plan, block: Dashboard) -> str:
    start = int(plan.config.year[:4]) - 1
    return block.year or f"{start}-{(start + 1) % 100:02d}"


def _as_stated(computed: Decimal | float, stated: float) -> Decimal:
    """``computed`` rounded to as many decimal places as ``stated`` was written with."""
    places = max(0, -Decimal(str(stated)).normalize().as_tuple().exponent)
    return half_up(computed, places)


def _absent(plan: Plan, table_id: str, caption: str, part: str) -> Table:
    """The placeholder for a dashboard table plan.yaml lacks, with one note for the block.

    Without a ``dashboard`` block every table of it says so with the same note (given once);
    a block without one of its lists names that list.
    """
    if plan.config.dashboard is None:
        return not_recorded(plan, table_id, caption, "dashboard", "the dashboard")
    what = f"the dashboard's {part.replace('_', ' ')}"
    return not_recorded(plan, table_id, caption, f"dashboard.{part}", what)


# -- first time entrants by disposal ----------------------------------------------------------


def first_time_entrants_table(plan: Plan) -> Protected | Table:
    """First time entrants by their first disposal, with the computed total and shares."""
    block = plan.config.dashboard
    caption = "First time entrants by first disposal"
    if block is None or not block.first_time_entrants:
        return _absent(plan, "first_time_entrants", caption, "first_time_entrants")
    rows = [r for r in block.first_time_entrants if not is_total(r.disposal)]
    builder = CountsBuilder(["disposal"])
    for row in rows:
        builder.add((row.disposal,), row.children)
    total = sum(r.children for r in rows)
    builder.add((TOTAL,), total)
    builder.add_sum((TOTAL,), [(r.disposal,) for r in rows])
    for i, row in enumerate(block.first_time_entrants):
        if is_total(row.disposal) and row.children != total:
            plan.warn(
                plan_problem(
                    plan,
                    f"the stated total of first time entrants is {row.children}, but the "
                    f"disposals add up to {total}; the computed total is shown",
                    f"dashboard.first_time_entrants.{i}.children",
                    value=str(row.children),
                    expected=str(total),
                )
            )
    draw = functools.partial(
        _draw_fte,
        order=[r.disposal for r in rows],
        caption=f"{caption}, {plan.config.name}, {_year(plan, block)}",
        illustrative=plan.config.is_illustrative("dashboard.first_time_entrants"),
        notes=tuple(block.notes),
    )
    return Protected(builder.build(), draw)


def _draw_fte(
    frame: pd.DataFrame, order: list[str], caption: str, illustrative: bool, notes: tuple
) -> Table:
    cells = Cells(frame)
    total = cells.value((TOTAL,))
    records, view = [], []
    for name in [*order, TOTAL]:
        count = cells.value((name,))
        share = percent(count, total)
        hidden = cells.hidden((name,)) or cells.hidden((TOTAL,))
        records.append(
            {
                "disposal": name,
                "children": cells.csv((name,)),
                "percent": SUPPRESSED if hidden else (None if share is None else float(share)),
            }
        )
        view.append(
            {
                "First disposal": name,
                "Children": cells.text((name,)),
                "Share of first time entrants": percent_text(share, hidden),
            }
        )
    return Table(
        id="first_time_entrants",
        caption=caption,
        data=pd.DataFrame(records),
        view=pd.DataFrame(view),
        numeric=("Children", "Share of first time entrants"),
        notes=(
            "Each child is counted once, under the disposal that brought them into the "
            "youth justice system for the first time.",
            *notes,
        ),
        source=SOURCE,
        illustrative=illustrative,
    )


# -- reoffending by group ---------------------------------------------------------------------


def reoffending_table(plan: Plan) -> Table:
    """Reoffending rates by group this year and last, with the computed difference.

    The dashboard gives rates only, not the counts behind them, so nothing here can be
    suppressed; a stated difference that is not this year's rate minus last year's is noted.
    """
    block = plan.config.dashboard
    caption = "Reoffending by group"
    if block is None or not block.reoffending:
        return _absent(plan, "reoffending_by_group", caption, "reoffending")
    year = _year(plan, block)
    before = block.previous_year or f"{int(year[:4]) - 1}-{int(year[:4]) % 100:02d}"
    records, view = [], []
    for i, row in enumerate(block.reoffending):
        difference = Decimal(str(row.this_year)) - Decimal(str(row.last_year))
        if row.difference is not None and _as_stated(difference, row.difference) != Decimal(
            str(row.difference)
        ):
            plan.warn(
                plan_problem(
                    plan,
                    f"the stated difference for {row.group} is {row.difference}, but "
                    f"{row.this_year} - {row.last_year} is {difference}; the computed "
                    "difference is shown",
                    f"dashboard.reoffending.{i}.difference",
                    value=str(row.difference),
                    expected=str(difference),
                )
            )
        records.append(
            {
                "group": row.group,
                "year": year,
                "rate": row.this_year,
                "previous_year": before,
                "previous_rate": row.last_year,
                "difference_points": float(difference),
            }
        )
        view.append(
            {
                "Group": row.group,
                f"{year} (%)": f"{row.this_year}%",
                f"{before} (%)": f"{row.last_year}%",
                "Change": points_words(difference) if difference else f"{SAME} no change",
                "Better or worse": judgement(difference, REOFFENDING.better),
            }
        )
    return Table(
        id="reoffending_by_group",
        caption=f"{caption}, {plan.config.name}, {year} and {before}",
        data=pd.DataFrame(records),
        view=pd.DataFrame(view),
        numeric=(f"{year} (%)", f"{before} (%)"),
        notes=(
            "Percentage of children in the service's cohort who reoffended, as the service "
            "measures it locally; not the published national measure.",
            *block.notes,
        ),
        source=SOURCE,
        illustrative=plan.config.is_illustrative("dashboard.reoffending"),
    )


# -- children with a need, by group ---------------------------------------------------------------


def need_by_group_table(plan: Plan) -> Protected | Table:
    """Children with a need (by default an EHCP) in each group, with computed percentages."""
    block = plan.config.dashboard
    caption = "Children with a need"
    if block is None or not block.shares:
        return _absent(plan, "need_by_group", caption, "shares")
    rows = [r for r in block.shares if not is_total(r.group)]
    builder = CountsBuilder(["group", "measure"])
    for row in rows:
        builder.add((row.group, "children"), row.children)
        builder.add((row.group, "with_need"), row.with_need)
        builder.add_at_most((row.group, "with_need"), (row.group, "children"))
    totals = {
        "children": sum(r.children for r in rows),
        "with_need": sum(r.with_need for r in rows),
    }
    for measure, total in totals.items():
        builder.add((TOTAL, measure), total)
        builder.add_sum((TOTAL, measure), [(r.group, measure) for r in rows])
    builder.add_at_most((TOTAL, "with_need"), (TOTAL, "children"))
    _check_shares(plan, block, totals)
    draw = functools.partial(
        _draw_need,
        order=[r.group for r in rows],
        need=block.need,
        caption=f"Children with {block.need}, {plan.config.name}, {_year(plan, block)}",
        illustrative=plan.config.is_illustrative("dashboard.shares"),
        notes=tuple(block.notes),
    )
    return Protected(builder.build(), draw)


def _check_shares(plan: Plan, block: Dashboard, totals: dict[str, int]) -> None:
    for i, row in enumerate(block.shares):
        key = f"dashboard.shares.{i}"
        if is_total(row.group):
            for measure, total in totals.items():
                if getattr(row, measure) != total:
                    plan.warn(
                        plan_problem(
                            plan,
                            f"the stated total of {measure.replace('_', ' ')} is "
                            f"{getattr(row, measure)}, but the groups add up to {total}; "
                            "the computed total is shown",
                            f"{key}.{measure}",
                            value=str(getattr(row, measure)),
                            expected=str(total),
                        )
                    )
        if row.percent is None or not row.children:
            continue
        exact = Decimal(row.with_need) * 100 / Decimal(row.children)
        if _as_stated(exact, row.percent) != Decimal(str(row.percent)):
            plan.warn(
                plan_problem(
                    plan,
                    f"{row.with_need} of {row.children} is {_as_stated(exact, row.percent)}%, "
                    f"not {row.percent}% as stated; the computed percentage is shown",
                    f"{key}.percent",
                    value=str(row.percent),
                    expected=str(_as_stated(exact, row.percent)),
                )
            )


def _draw_need(
    frame: pd.DataFrame,
    order: list[str],
    need: str,
    caption: str,
    illustrative: bool,
    notes: tuple,
) -> Table:
    cells = Cells(frame)
    records, view = [], []
    header = f"With {need}"
    for name in [*order, TOTAL]:
        children, with_need = (name, "children"), (name, "with_need")
        hidden = cells.hidden(children) or cells.hidden(with_need)
        share = percent(cells.value(with_need), cells.value(children))
        records.append(
            {
                "group": name,
                "children": cells.csv(children),
                "with_need": cells.csv(with_need),
                "percent": SUPPRESSED if hidden else (None if share is None else float(share)),
            }
        )
        view.append(
            {
                "Group": name,
                "Children": cells.text(children),
                header: cells.text(with_need),
                "Percentage": percent_text(share, hidden),
            }
        )
    return Table(
        id="need_by_group",
        caption=caption,
        data=pd.DataFrame(records),
        view=pd.DataFrame(view),
        numeric=("Children", header, "Percentage"),
        notes=("Children, not disposals: a child is counted once in each group.", *notes),
        source=SOURCE,
        illustrative=illustrative,
    )
