"""One table per KPI: every category by quarter and for the year, with changes (kpi_<kpi>).

Each table is drawn from :func:`yjnb.sections.kpis.kpi_counts` for the profile it is shown
in, so the
public page shows the suppressed figures and every percentage, change and rate built on a
hidden count is hidden too. Its CSV (tables/kpi_<kpi>.csv) has the columns of docs/inputs.md
(period, kpi, cohort, measure, category, count, percent) and more: one row
per period, cohort, measure and category, the year's rows with the
year as their period, and ``[c]`` for what is hidden.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from yjnb.inputs.schemas import EXCLUSIVE_MEASURES, is_unknown
from yjnb.present.shown import percent_text, with_percent
from yjnb.present.suppress import SUPPRESSED, Cells, Protected
from yjnb.present.tables import Table
from yjnb.sections.kpis import (
    RATE_PER,
    SERIOUS_VIOLENCE,
    TOTAL,
    KpiSpec,
    Periods,
    cohort_label,
    figure,
    kpi_counts,
    kpi_periods,
    kpi_spec,
    measure_label,
    population_10_17,
    rate,
    rate_text,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan

SOURCE = "The service's quarterly key performance indicator returns (kpis.csv)"
KPI_COLUMNS = [
    "period", "kpi", "cohort", "measure", "category", "count", "total", "percent",
    "previous_period", "previous_count", "change", "percent_points_change", "change_in_words",
    "total_change",
]  # fmt: skip


def kpi_table(plan: Plan, kpi: str) -> Protected:
    """Every category of one KPI by quarter and for the year, with changes: ``kpi_<kpi>``."""
    spec = kpi_spec(kpi)
    periods = kpi_periods(plan.local.kpis, plan.config.year)
    # Every KPI's counts: relations tie KPIs together, and each is suppressed as a whole.
    counts = kpi_counts(plan.local.kpis, periods)
    population = population_10_17(plan) if kpi == SERIOUS_VIOLENCE else None
    draw = functools.partial(
        _draw_kpi_table,
        spec=spec,
        periods=periods,
        name=plan.config.name,
        illustrative=plan.config.is_illustrative("kpis"),
        population=population,
    )
    return Protected(counts, draw)


def _csv(value: Any, hidden: bool) -> Any:
    if hidden:
        return SUPPRESSED
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rows(frame: pd.DataFrame, kpi: str) -> list[tuple[str, str, str]]:
    """(cohort, measure, category) in the order of kpis.csv, unknown categories last."""
    mine = frame[(frame["kpi"] == kpi) & (frame["category"] != TOTAL)]
    seen = dict.fromkeys(zip(mine["cohort"], mine["measure"], mine["category"], strict=True))
    return sorted(seen, key=lambda row: is_unknown(row[2]))


def _draw_kpi_table(
    frame: pd.DataFrame,
    spec: KpiSpec,
    periods: Periods,
    name: str,
    illustrative: bool,
    population: tuple[float, str] | None,
) -> Table:
    cells = Cells(frame)
    kpi = spec.kpi
    rows = _rows(frame, kpi)
    records, view_rows = [], []
    columns = list(periods.quarters) + [periods.year]
    for cohort, measure, category in rows:
        for period in columns:
            key = (kpi, period, cohort, measure, category)
            if key not in cells:
                continue
            shown = figure(cells, key, periods.previous.get(period))
            records.append(_record(shown, key, population))
    groups = dict.fromkeys((c, m) for c, m, _ in rows)
    for cohort, measure in groups:
        for category in [cat for c, m, cat in rows if (c, m) == (cohort, measure)]:
            view_rows.append(_view_row(cells, spec, periods, cohort, measure, category))
        if any((kpi, p, cohort, measure, TOTAL) in cells for p in columns):
            view_rows.append(_view_row(cells, spec, periods, cohort, measure, TOTAL))
    rate_column = f"Rate per {RATE_PER:,} children aged 10-17, {periods.year}"
    if population is not None:
        for row in view_rows:
            key = (kpi, periods.year, *row.pop("_key"))
            row[rate_column] = rate_text(cells.value(key), population[0], cells.hidden(key))
    else:
        for row in view_rows:
            row.pop("_key")
    data = pd.DataFrame(records, columns=_data_columns(population), dtype=object)
    view = pd.DataFrame(view_rows)
    notes = [spec.counted]
    if any(m in EXCLUSIVE_MEASURES for _, m, _ in rows):
        notes.append(
            "Percentages are of the children counted for the measure in the period; "
            "changes compare each quarter with the quarter before."
        )
    if any(m not in EXCLUSIVE_MEASURES for _, m, _ in rows):
        notes.append("A child can be counted in more than one category, so no percentages.")
    if population is not None:
        notes.append(f"Rates use {population[1]}.")
    return Table(
        id=f"kpi_{kpi}",
        caption=f"{spec.name}: {name}, {periods.year} by quarter",
        data=data,
        view=view,
        numeric=tuple(view.columns[1:]),
        notes=tuple(notes),
        source=SOURCE,
        illustrative=illustrative,
    )


def _data_columns(population: tuple[float, str] | None) -> list[str]:
    return KPI_COLUMNS + (["rate_per_10000"] if population is not None else [])


def _record(shown: dict[str, Any], key: tuple, population: tuple[float, str] | None) -> dict:
    kpi, period, cohort, measure, category = key
    exclusive = measure in EXCLUSIVE_MEASURES
    record = {
        "period": period,
        "kpi": kpi,
        "cohort": cohort,
        "measure": measure,
        "category": category,
        "count": _csv(shown["count"], shown["count_hidden"]),
        "total": _csv(shown["total"], shown["total_hidden"]),
        "percent": _csv(shown["percent"], shown["percent_hidden"]) if exclusive else None,
        "previous_period": shown["previous_period"],
        "previous_count": _csv(shown["previous_count"], shown["previous_hidden"]),
        "change": _csv(shown["change"], shown["change_hidden"]),
        "percent_points_change": (
            _csv(shown["points"], shown["points_hidden"]) if exclusive else None
        ),
        "change_in_words": shown["change_text"] if shown["previous_period"] else None,
        "total_change": _csv(shown["total_change"], shown["total_change_hidden"]),
    }
    if population is not None:
        record["rate_per_10000"] = (
            SUPPRESSED if shown["count_hidden"] else rate(shown["count"], population[0])
        )
    return record


def _view_row(
    cells: Cells, spec: KpiSpec, periods: Periods, cohort: str, measure: str, category: str
) -> dict[str, Any]:
    label = f"{measure_label(measure)}: {_category_label(spec.kpi, category)}"
    if spec.kpi == "ete":
        label = f"{cohort_label(cohort)} – {label}"
    row: dict[str, Any] = {"Measure and category": label, "_key": (cohort, measure, category)}
    for period in [*periods.quarters, periods.year]:
        key = (spec.kpi, period, cohort, measure, category)
        previous = periods.previous.get(period)
        shown = figure(cells, key, previous)
        share = percent_text(shown["percent"], shown["percent_hidden"])
        cell = shown["count_text"]
        if category != TOTAL and measure in EXCLUSIVE_MEASURES:
            cell = with_percent(cell, share)
        row[f"{period} (year)" if period == periods.year else period] = cell
        if previous is not None:
            row[f"Change to {period}"] = shown["change_text"]
    return row


def _category_label(kpi: str, category: str) -> str:
    if category != TOTAL:
        return category
    if kpi == SERIOUS_VIOLENCE:
        return "all offence groups (a child can be counted in more than one)"
    return "all children counted"
