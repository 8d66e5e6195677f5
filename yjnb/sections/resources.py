"""Section 7, resources: the partner budget in the YJB's layout, its chart, and the checks on it.

Every total is computed from the agency rows of budget.csv (a supplied ``Total`` row or
``total`` column is checked by the loader, and the computed figure is the one shown). Figures
the plan states elsewhere are reconciled with the table: contributions in plan.yaml
(``resources.contributions``) and pound amounts typed into narrative, so that the words cannot
quietly disagree with the table.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from yjnb.errors import Problem
from yjnb.inputs.load import LocalData
from yjnb.inputs.schemas import BUDGET_MONEY_COLUMNS, BUDGET_TOLERANCE
from yjnb.present.charts import Chart, bars, new_figure, palette, render
from yjnb.present.tables import Table
from yjnb.sections.common import content_table, not_recorded, percent, plan_problem

if TYPE_CHECKING:
    from yjnb.inputs.config import PlanConfig
    from yjnb.plan import Plan

COLUMN_LABELS = {
    "staffing_costs": "Staffing costs",
    "payments_in_kind": "Payments in kind",
    "other_delegated_funds": "Other delegated funds",
    "total": "Total",
}
STANDARD_AGENCIES = (
    "Youth Justice Board",
    "Local Authority",
    "Police",
    "Police and Crime Commissioner",
    "Probation",
    "Health",
    "Welsh Government",
    "Other",
)


def money(amount: float) -> str:
    """'£401,233' (pence only where there are any)."""
    return f"£{amount:,.0f}" if amount == round(amount) else f"£{amount:,.2f}"


# Other labels plans give a standard agency's line, as placeholder names (agency_key): the
# line "YJB" of Warwickshire's published table is the Youth Justice Board's grant.
AGENCY_LABELS: dict[str, tuple[str, ...]] = {
    "Youth Justice Board": (
        "yjb",
        "yjb_grant",
        "youth_justice_board_grant",
        "youth_justice_board_yjb",
        "yjb_youth_justice_grant",
        "youth_justice_grant",
        "yjb_good_practice_grant",
        "youth_justice_board_good_practice_grant",
        "good_practice_grant",
    ),
}


def _name(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")


_STANDARD_NAMES = {
    other: _name(agency) for agency, others in AGENCY_LABELS.items() for other in others
}


def agency_key(agency: str) -> str:
    """A budget line's placeholder name: 'Police and Crime Commissioner' -> 'police_and_crime_commissioner'.

    A standard agency's other labels (:data:`AGENCY_LABELS`: "YJB", "YJB Good Practice Grant"...)
    give its name: 'YJB' -> 'youth_justice_board'. Footnote markers are dropped ('* Welsh
    Government' -> 'welsh_government').
    """  # noqa: E501
    name = _name(agency)
    return _STANDARD_NAMES.get(name, name)


def _budget_file(plan: Plan) -> str:
    return plan.workspace.shown(plan.workspace.local_file(plan.slug, "budget.csv"))


def budget_years(config: PlanConfig, local: LocalData) -> tuple[str | None, str | None]:
    """The year the budget table shows (the plan year, else the latest) and the year before it."""
    if local.budget is None or local.budget.empty:
        return None, None
    years = sorted(set(local.budget["year"]))
    year = config.year if config.year in years else years[-1]
    start = int(year[:4]) - 1
    previous = f"{start}-{(start + 1) % 100:02d}"
    return year, previous if previous in years else None


def rows_for(local: LocalData, year: str) -> pd.DataFrame:
    """budget.csv's agency rows for one year, indexed by agency (totals computed)."""
    budget = local.budget
    return budget[budget["year"] == year].set_index("agency")


# -- the table and chart -------------------------------------------------------------------


def budget_table(plan: Plan) -> Table:
    """Partner contributions in the YJB's layout, totals computed, change from last year.

    Columns: staffing costs, payments in kind, other delegated funds and total for the plan
    year; where budget.csv also has the year before, that year's total and the change.
    """
    year, previous = budget_years(plan.config, plan.local)
    caption = "Partner contributions to the youth justice partnership budget"
    if year is None:
        return not_recorded(plan, "budget", caption, "agency", "the budget", _budget_file(plan))
    if year != plan.config.year:
        plan.warn(
            Problem(
                _budget_file(plan),
                f"no rows for the plan year {plan.config.year}: the table shows {year}",
                column="year",
                severity="warning",
            )
        )
    current = rows_for(plan.local, year)
    before = rows_for(plan.local, previous) if previous else None
    rows = []
    agencies = [*current.index, "Total"]
    for agency in agencies:
        amounts = current.sum() if agency == "Total" else current.loc[agency]
        row = {"agency": agency} | {
            c: f"{amounts[c]:,.0f}" for c in (*BUDGET_MONEY_COLUMNS, "total")
        }
        if before is not None:
            was = _previous_total(before, agency)
            row["previous"] = "none" if was is None else f"{was:,.0f}"
            change = None if was is None else amounts["total"] - was
            row["change"] = "" if change is None else f"{change:+,.0f}" if change else "0"
            row["change_pct"] = percent(amounts["total"] - was, was) if was else "not available"
        rows.append(row)
    columns = {"agency": "Agency"} | {
        c: f"{label} {year} (£)" if c == "total" else f"{label} (£)"
        for c, label in COLUMN_LABELS.items()
    }
    notes = ["Totals are computed from the agency rows."]
    if before is not None:
        columns |= {
            "previous": f"Total {previous} (£)",
            "change": "Change (£)",
            "change_pct": "Change (%)",
        }
        notes.append(f"Change is the {year} total minus the {previous} total.")
    years = [y for y in (previous, year) if y]
    tidy = plan.local.budget[plan.local.budget["year"].isin(years)]
    tidy = pd.concat([tidy, *(_totals(plan.local, y) for y in years)], ignore_index=True)
    if before is not None:
        tidy = _with_change(tidy, year, before)
    table = content_table(
        plan,
        "budget",
        caption,
        "budget",
        rows,
        columns,
        numeric=[c for c in columns if c != "agency"],
        notes=notes,
        tidy=tidy,
        year=year,
    )
    return replace(table, source=f"{plan.config.name}: partner contributions agreed for {year}")


def _with_change(tidy: pd.DataFrame, year: str, before: pd.DataFrame) -> pd.DataFrame:
    """The plan year's rows with last year's total and the change, as the table shows them."""
    was = [
        _previous_total(before, agency) if row_year == year else None
        for row_year, agency in zip(tidy["year"], tidy["agency"], strict=True)
    ]
    previous = pd.Series(was, index=tidy.index, dtype="float64")
    change = tidy["total"] - previous
    return tidy.assign(
        previous_total=previous,
        change=change,
        change_percent=(change / previous.where(previous != 0)) * 100,
    )


def _totals(local: LocalData, year: str) -> pd.DataFrame:
    sums = rows_for(local, year)[[*BUDGET_MONEY_COLUMNS, "total"]].sum()
    return pd.DataFrame([{"year": year, "agency": "Total", **sums.to_dict()}])


def _previous_total(before: pd.DataFrame, agency: str) -> float | None:
    if agency == "Total":
        return float(before["total"].sum())
    return float(before.loc[agency, "total"]) if agency in before.index else None


def budget_chart(plan: Plan) -> Chart | Table:
    """Each partner's total contribution (both years where two are recorded), largest first."""
    year, previous = budget_years(plan.config, plan.local)
    if year is None:
        return not_recorded(
            plan, "budget_chart", "Budget", "agency", "the budget", _budget_file(plan)
        )
    totals = {y: rows_for(plan.local, y)["total"] for y in (previous, year) if y}
    current = totals[year][totals[year] > 0].sort_values()
    figure, axes = new_figure(8, 1 + 0.4 * len(current) * len(totals))
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
    colours = palette("duo") if previous else palette("focus")[:1]
    hues = dict(zip(totals, colours, strict=False))
    records = [{"year": label, "agency": a, "total": v} for label, values in totals.items()
               for a, v in values.reindex(current.index).fillna(0).items()]  # fmt: skip
    # Largest contribution at the top; where there are two years, this year's bar above.
    agencies = list(current.index[::-1])
    bars(axes, data=pd.DataFrame(records), x="total", y="agency", order=agencies, hue="year",
         hue_order=list(hues)[::-1], palette=hues, dodge=True, orient="y", width=0.8)  # fmt: skip
    for container, label in zip(axes.containers, list(hues)[::-1], strict=True):
        container.set_label(label)
        values = totals[label].reindex(agencies).fillna(0)
        axes.bar_label(container, labels=[money(v) for v in values], padding=3, fontsize=8)
    axes.set_xlabel("Contribution (£)")
    axes.xaxis.set_major_formatter(lambda value, _: f"£{value / 1000:,.0f}k")
    axes.set_xlim(0, current.max() * 1.3)
    if previous:
        axes.legend(frameon=False, loc="lower right")
    title = f"Partner contributions, {plan.config.name}, {' and '.join(totals)}"
    data = content_table(
        plan,
        "budget_chart",
        "Contribution by partner",
        "budget",
        [{**r, "shown": f"{r['total']:,.0f}"} for r in records],
        {"year": "Year", "agency": "Agency", "shown": "Total (£)"},
        numeric=["shown"],
        tidy=pd.DataFrame(records, columns=["year", "agency", "total"]),
        year=" and ".join(totals),
    )
    return render(figure, "budget_chart", title, _chart_alt(plan, totals, year, previous), data)


def _chart_alt(plan: Plan, totals: dict[str, pd.Series], year: str, previous: str | None) -> str:
    current = totals[year]
    grand = current.sum()
    ranked = current[current > 0].sort_values(ascending=False)
    parts = [f"{a} {money(v)} ({percent(v, grand)})" for a, v in ranked.items()]
    alt = (
        f"Bar chart of partner contributions to {plan.config.name} in {year}, "
        f"{money(grand)} in all. Largest first: " + "; ".join(parts) + "."
    )
    zero = [a for a, v in current.items() if v == 0]
    if zero:
        alt += " Nothing from " + ", ".join(zero) + "."
    if previous:
        was = totals[previous].sum()
        alt += f" In {previous} the total was {money(was)}, a change of {money(grand - was)}."
    return alt.replace("£-", "-£")


# -- contributions and their reconciliation --------------------------------------------------


def contributions_table(plan: Plan) -> Table:
    """What each partner's contribution pays for, reconciled with the budget table.

    A contribution's amount is the budget table's figure for its line (agency and column);
    an amount stated in plan.yaml is checked against it, and a disagreement is a data note.
    """
    block = plan.config.resources
    caption = "What partner contributions pay for"
    if block is None or not block.contributions:
        return not_recorded(
            plan, "budget_contributions", caption, "resources", "the partner contributions"
        )
    year, _ = budget_years(plan.config, plan.local)
    current = rows_for(plan.local, year) if year else None
    groups: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(block.contributions):
        groups.setdefault((c.agency, c.column or "total"), []).append(i)
    rows = []
    for i, c in enumerate(block.contributions):
        column = c.column or "total"
        line = (c.agency, column)
        in_table = current is not None and c.agency in current.index
        if not in_table:
            plan.warn(_not_a_line(plan, i, c.agency, current))
        single = in_table and len(groups[line]) == 1
        amount = float(current.loc[c.agency, column]) if single else c.amount
        rows.append(
            {
                "partner": c.partner,
                "agency": c.agency,
                "column": COLUMN_LABELS[column],
                "amount": amount,
                "shown": "" if amount is None else f"{amount:,.0f}",
                "note": c.note,
            }
        )
    if current is not None:
        for (agency, column), members in groups.items():
            stated = [block.contributions[i].amount for i in members]
            if agency in current.index and all(a is not None for a in stated):
                problem = _reconcile(plan, current, agency, column, members, sum(stated))
                if problem:
                    plan.warn(problem)
    columns = {
        "partner": "Partner",
        "agency": "Budget line",
        "column": "Column",
        "shown": "Amount (£)",
        "note": "What it pays for",
    }
    tidy = pd.DataFrame(rows)[["partner", "agency", "column", "amount", "note"]]
    table = content_table(
        plan,
        "budget_contributions",
        caption,
        "resources.contributions",
        rows,
        columns,
        numeric=["shown"],
        notes=["Amounts are those of the partner contributions table."],
        block=block,
        tidy=tidy,
        year=year,
    )
    return replace(table, illustrative=table.illustrative or plan.config.is_illustrative("budget"))


def _not_a_line(plan: Plan, i: int, agency: str, current: pd.DataFrame | None) -> Problem:
    known = "no budget.csv" if current is None else ", ".join(current.index)
    return plan_problem(
        plan,
        f"'{agency}' is not a line of the budget table, so its amount cannot be checked",
        f"resources.contributions.{i}.agency",
        value=agency,
        expected=f"an agency of budget.csv ({known})",
    )


def _reconcile(
    plan: Plan,
    current: pd.DataFrame,
    agency: str,
    column: str,
    members: list[int],
    stated: float,
) -> Problem | None:
    table_amount = float(current.loc[agency, column])
    if abs(stated - table_amount) <= BUDGET_TOLERANCE:
        return None
    label = COLUMN_LABELS[column].lower()
    message = (
        f"states {money(stated)} for {agency} ({label}), but the budget table gives "
        f"{money(table_amount)}; the table's figure is shown"
    )
    owner = whose(current, stated, exclude=agency)
    if owner:
        message += f". {money(stated)} is the table's figure for {owner}: are the two swapped?"
    first = members[0]
    return plan_problem(
        plan,
        message,
        f"resources.contributions.{first}.amount",
        value=f"{stated:,.0f}",
        expected=f"{table_amount:,.0f}, the budget table's {label} for {agency}",
    )


def whose(current: pd.DataFrame, amount: float, exclude: str | None = None) -> str | None:
    """The agency (and column, unless the total) whose budget figure is ``amount``, if any."""
    for agency, row in current.iterrows():
        if agency == exclude:
            continue
        for column in ("total", *BUDGET_MONEY_COLUMNS):
            if row[column] and abs(row[column] - amount) <= BUDGET_TOLERANCE:
                return (
                    agency if column == "total" else f"{agency} ({COLUMN_LABELS[column].lower()})"
                )
    return None
