"""The headline of every KPI for the latest quarter and the year: ``kpi_headlines``.

The figures are those of the KPI tables (the same counts, suppressed the same way: counts
that no sum ties together are suppressed independently, so a KPI's cells hide the same here
as in its own table). Board attendance (KPI 8) is not a count of children and is shown
whole in both profiles.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pandas as pd

from yjnb.errors import Problem
from yjnb.inputs.schemas import is_unknown
from yjnb.present.shown import NOT_REPORTED, change_words, judgement, percent_text
from yjnb.present.suppress import SUPPRESSED, Cells, Protected
from yjnb.present.tables import Table
from yjnb.sections.governance import board_summary
from yjnb.sections.kpi_tables import SOURCE
from yjnb.sections.kpis import (
    TOTAL,
    KpiSpec,
    Periods,
    board_attendance_polarity,
    board_attendance_short,
    cohort_label,
    figure,
    kpi_counts,
    kpi_periods,
    kpi_specs,
    measure_label,
    population_10_17,
    rate,
    rate_text,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan

KPIS_BEGAN = "2023-24"  # the first year of the YJB's key performance indicators
# The columns of kpi_headlines.csv (a rate's rows have no count, total or percent).
HEADLINE_COLUMNS = [
    "kpi", "cohort", "measure", "category", "figure", "period", "count", "total", "percent",
    "rate_per_10000", "change_in_words",
]  # fmt: skip


def kpi_headlines(plan: Plan) -> Protected | Table:
    """One row per headline figure: the latest quarter, its change, and the year.

    A kpis.csv with its header only (a plan for a year before the KPIs began) gives, once,
    a sentence that no return was given for the year; for a year the KPIs were collected,
    that is a data-quality note too.
    """
    periods = kpi_periods(plan.local.kpis, plan.config.year)
    if plan.local.kpis.empty:
        return _no_return(plan, periods.year)
    draw = functools.partial(
        _draw,
        periods=periods,
        name=plan.config.name,
        illustrative=plan.config.is_illustrative("kpis"),
        board=board_summary(plan),
        population=population_10_17(plan),
    )
    return Protected(kpi_counts(plan.local.kpis, periods), draw)


def _no_return(plan: Plan, year: str) -> Table:
    shown = plan.workspace.shown(plan.workspace.local_file(plan.slug, "kpis.csv"))
    if year >= KPIS_BEGAN:
        message = f"has no rows, though the key performance indicators were collected for {year}"
        plan.warn(Problem(shown, message, expected=f"the quarterly KPI returns for {year}"))
    return Table(
        id="kpi_headlines",
        caption=f"Key performance indicators at a glance: {plan.config.name}, {year}",
        data=pd.DataFrame(columns=HEADLINE_COLUMNS),
        view=pd.DataFrame(),
        empty=(
            f"no key performance indicator return was given for {year} ({shown} has no "
            f"rows), so no KPI table is shown. The Youth Justice Board's key performance "
            f"indicators were first collected for {KPIS_BEGAN}."
        ),
        source=SOURCE,
    )


def _of(shown: dict[str, Any]) -> str:
    """``22 of 23 (95.7%)``; the count alone where it is not a share of a total.

    Where the total counts children recorded as unknown, it says how many: ``12 of 25
    (48.0%; total includes 1 'Not known')``.
    """
    if shown["percent"] is None and not shown["percent_hidden"]:
        return shown["count_text"]
    share = percent_text(shown["percent"], shown["percent_hidden"])
    unknown = shown.get("unknown", [])
    if unknown:
        share += "; total includes " + " and ".join(f"{n} '{label}'" for label, n in unknown)
    return f"{shown['count_text']} of {shown['total_text']} ({share})"


def _unknown(cells: Cells, key: tuple, labels: tuple[str, ...]) -> list[tuple[str, str]]:
    """The unknown categories counted in the total of ``key``'s measure, as shown."""
    kpi, period, cohort, measure, _ = key
    found = []
    for label in labels:
        part = (kpi, period, cohort, measure, label)
        if part in cells and cells.value(part) != 0:
            found.append((label, cells.text(part)))
    return found


def _headline_rows(cells: Cells, frame: pd.DataFrame, periods: Periods) -> list[dict]:
    latest, rows = periods.latest, []
    for spec in kpi_specs().values():
        mine = frame[(frame["kpi"] == spec.kpi) & (frame["category"] != TOTAL)]
        cohorts = list(dict.fromkeys(mine["cohort"])) or ["all"]
        for headline in spec.headline:
            measure = headline["measure"]
            first = len(rows)
            if "category" in headline:
                for cohort in cohorts:
                    label = f"Children {headline['label']}"
                    short = headline["short"]
                    if spec.kpi == "ete":
                        label += f" ({cohort_label(cohort)})"
                        short += f", {cohort_label(cohort).lower()}"
                    key = (headline["category"], cohort)
                    labels = mine.loc[mine["measure"] == measure, "category"]
                    unknown = tuple(dict.fromkeys(c for c in labels if is_unknown(c)))
                    of = headline["of"]
                    rows.append(_row(cells, spec, measure, key, label, periods, of, unknown))
                    rows[-1]["short"] = short
            elif headline.get("total"):
                label = "Children counted, all offence groups (a child can be in more than one)"
                rows.append(_row(cells, spec, measure, (TOTAL, "all"), label, periods, ""))
                rows[-1]["short"] = headline["short"]
            else:
                categories = dict.fromkeys(mine.loc[mine["measure"] == measure, "category"])
                for category in categories:
                    label = f"{measure_label(measure)}: {category}"
                    rows.append(_row(cells, spec, measure, (category, "all"), label, periods, ""))
                    rows[-1]["short"] = category
            for row in rows[first:]:
                row["better"] = headline["better"]
    for row in rows:
        row["latest"] = latest
    return rows


def _row(
    cells: Cells,
    spec,
    measure: str,
    key: tuple[str, str],
    label: str,
    periods: Periods,
    of: str,
    unknown: tuple[str, ...] = (),
) -> dict[str, Any]:
    category, cohort = key
    latest = periods.latest or ""
    now_key = (spec.kpi, latest, cohort, measure, category)
    year_key = (spec.kpi, periods.year, cohort, measure, category)
    now = figure(cells, now_key, periods.previous.get(latest))
    year = figure(cells, year_key, None)
    if of:
        now["unknown"] = _unknown(cells, now_key, unknown)
        year["unknown"] = _unknown(cells, year_key, unknown)
    return {
        "spec": spec,
        "cohort": cohort,
        "measure": measure,
        "category": category,
        "label": label,
        "of": of,
        "now": now,
        "year": year,
    }


def _rate_row(row: dict[str, Any], population: tuple[float, str]) -> dict[str, Any]:
    now, year = row["now"], row["year"]
    now_rate = rate(now["count"], population[0])
    before = rate(now["previous_count"], population[0])
    change = SUPPRESSED if now["change_hidden"] else change_words(now_rate, before)
    moved = None if now_rate is None or before is None else now_rate - before
    return {
        "Figure": f"Rate per 10,000 children aged 10-17 ({population[1]})",
        "short": _short(row["spec"], "rate per 10,000 children aged 10-17"),
        "latest": rate_text(now["count"], population[0], now["count_hidden"]),
        "change": change if now["previous_period"] else NOT_REPORTED,
        "judged": judgement(moved, row["better"], now["change_hidden"]),
        "year": rate_text(year["count"], population[0], year["count_hidden"]),
    }


def _short(spec: KpiSpec, figure_name: str) -> str:
    """A summary row header: ``KPI 4 Mental health: need identified``."""
    return f"KPI {spec.number} {spec.short}: {figure_name}"


def _rate_records(
    row: dict[str, Any], shown: dict[str, Any], periods: Periods
) -> list[dict[str, Any]]:
    return [
        {
            "kpi": row["spec"].kpi,
            "cohort": row["cohort"],
            "measure": row["measure"],
            "category": row["category"],
            "figure": shown["Figure"],
            "period": periods.latest if when == "latest" else periods.year,
            "rate_per_10000": shown[when] if shown[when] == SUPPRESSED else float(shown[when]),
            "change_in_words": shown["change"] if when == "latest" else None,
        }
        for when in ("latest", "year")
        if shown[when] != NOT_REPORTED
    ]


def _draw(
    frame: pd.DataFrame,
    periods: Periods,
    name: str,
    illustrative: bool,
    board: dict | None,
    population: tuple[float, str] | None,
) -> Table:
    cells = Cells(frame)
    rows = _headline_rows(cells, frame, periods)
    view, records = [], []
    for row in rows:
        spec = row["spec"]
        if spec.number > 8 and board is not None:
            view.append(_board_view(board))
            records += _board_records(board)
            board = None
        now = row["now"]
        view.append(
            {
                "Figure": row["label"] + (f" (% of {row['of']})" if row["of"] else ""),
                "short": _short(spec, row["short"]),
                "latest": _of(now),
                "change": now["change_text"],
                "judged": judgement(now["moved"], row["better"], now["moved_hidden"])
                if now["previous_period"]
                else NOT_REPORTED,
                "year": _of(row["year"]),
            }
        )
        if spec.kpi == "serious_violence" and population is not None:
            shown_rate = _rate_row(row, population)
            view.append(shown_rate)
            records += _rate_records(row, shown_rate, periods)
        for when in ("now", "year"):
            shown = row[when]
            records.append(
                {
                    "kpi": spec.kpi,
                    "cohort": row["cohort"],
                    "measure": row["measure"],
                    "category": row["category"],
                    "figure": row["label"],
                    "period": periods.latest if when == "now" else periods.year,
                    "count": SUPPRESSED if shown["count_hidden"] else shown["count"],
                    "total": SUPPRESSED if shown["total_hidden"] else shown["total"],
                    "percent": SUPPRESSED
                    if shown["percent_hidden"]
                    else (None if shown["percent"] is None else float(shown["percent"])),
                    "change_in_words": shown["change_text"] if when == "now" else None,
                }
            )
    latest = f"Latest quarter ({periods.latest})"
    columns = {"short": "Indicator", "latest": latest, "change": "Change from the quarter before",
               "judged": "Better or worse", "year": f"Year ({periods.year})"}  # fmt: skip
    table_view = pd.DataFrame(view).rename(columns=columns)[list(columns.values())]
    return Table(
        id="kpi_headlines",
        caption=f"Key performance indicators at a glance: {name}, {periods.year}",
        data=pd.DataFrame(records, dtype=object),
        view=table_view,
        numeric=(latest, columns["year"]),
        notes=(
            "Each figure is for the children whose order or intervention ended in the period "
            "(see each KPI's table for who is counted). Changes compare the latest quarter "
            "with the one before, in children and in percentage points.",
        ),
        source=SOURCE + "; board attendance (board_attendance.csv)",
        illustrative=illustrative,
    )


def _board_view(board: dict) -> dict[str, str]:
    latest = board["latest"]
    judged = judgement(latest["moved"], board_attendance_polarity(), latest["moved_hidden"])
    return {
        "Figure": "Partner places at board meetings attended in person or by deputy",
        "short": f"KPI 8 {board_attendance_short()}: places attended",
        "latest": _of(latest),
        "change": latest["change_text"],
        "judged": judged if latest["previous_period"] else NOT_REPORTED,
        "year": _of(board["year"]),
    }


def _board_records(board: dict) -> list[dict[str, Any]]:
    return [
        {
            "kpi": "board_attendance",
            "cohort": "all",
            "measure": "status",
            "category": "attended",
            "figure": "Partner places at board meetings attended in person or by deputy",
            "period": board["latest_period" if when == "latest" else "year_period"],
            "count": board[when]["count"],
            "total": board[when]["total"],
            "percent": float(board[when]["percent"]),
            "change_in_words": board[when]["change_text"] if when == "latest" else None,
        }
        for when in ("latest", "year")
    ]
