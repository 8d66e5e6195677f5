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
from yjnb.present.tables import Part, Table
from yjnb.sections.kpis import (
    RATE_PER,
    SERIOUS_VIOLENCE,
    TOTAL,
    KpiSpec,
    Periods,
    change_heading,
    cohort_label,
    figure,
    kpi_counts,
    kpi_periods,
    kpi_spec,
    measure_label,
    population_10_17,
    quarter_heading,
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
    records = []
    columns = list(periods.quarters) + [periods.year]
    for cohort, measure, category in rows:
        for period in columns:
            key = (kpi, period, cohort, measure, category)
            if key not in cells:
                continue
            shown = figure(cells, key, periods.previous.get(period))
            records.append(_record(shown, key, population))
    groups = dict.fromkeys((c, m) for c, m, _ in rows)
    parts = []
    for cohort, measure in groups:
        categories = [cat for c, m, cat in rows if (c, m) == (cohort, measure)]
        if any((kpi, p, cohort, measure, TOTAL) in cells for p in columns):
            categories.append(TOTAL)
        parts.append(_part(cells, spec, periods, cohort, measure, categories, population))
    data = pd.DataFrame(records, columns=_data_columns(population), dtype=object)
    view = _whole_view(parts)
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
        numeric=tuple(view.columns[2:]),
        notes=tuple(notes),
        source=SOURCE,
        illustrative=illustrative,
        parts=tuple(parts),
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


def _part(
    cells: Cells,
    spec: KpiSpec,
    periods: Periods,
    cohort: str,
    measure: str,
    categories: list[str],
    population: tuple[float, str] | None,
) -> Part:
    """One measure (and ETE cohort) of a KPI: categories by quarter, the latest change last."""
    kpi, year = spec.kpi, periods.year
    first = measure_label(measure)
    change_column = change_heading(periods)
    rate_column = f"Rate per {RATE_PER:,} children aged 10-17, year"
    rows = []
    for category in categories:
        row: dict[str, Any] = {first: _category_label(kpi, category)}
        for period in [*periods.quarters, year]:
            key = (kpi, period, cohort, measure, category)
            shown = figure(cells, key, periods.previous.get(period))
            cell = shown["count_text"]
            if category != TOTAL and measure in EXCLUSIVE_MEASURES:
                share = percent_text(shown["percent"], shown["percent_hidden"])
                cell = with_percent(cell, share)
            row["Year" if period == year else quarter_heading(period, year)] = cell
            if period == periods.latest and change_column:
                latest_change = shown["change_text"]
        if population is not None:
            key = (kpi, year, cohort, measure, category)
            row[rate_column] = rate_text(cells.value(key), population[0], cells.hidden(key))
        if change_column:
            row[change_column] = latest_change
        rows.append(row)
    view = pd.DataFrame(rows)
    cohort_part = f", {cohort_label(cohort).lower()}" if kpi == "ete" else ""
    return Part(
        key=f"{cohort}-{measure}".replace("_", "-"),
        caption=f"{spec.name}: {first.lower()}{cohort_part}, {year} by quarter",
        view=view,
        numeric=tuple(c for c in view.columns[1:] if c != change_column),
    )


def _whole_view(parts: list[Part]) -> pd.DataFrame:
    """The parts' rows in one frame, for text output: which part, then its columns."""
    frames = [
        part.view.rename(columns={part.view.columns[0]: "Category"}).assign(Measure=part.caption)
        for part in parts
    ]
    if not frames:
        return pd.DataFrame()
    whole = pd.concat(frames, ignore_index=True).fillna("")
    return whole[["Measure", *[c for c in whole.columns if c != "Measure"]]]


def _category_label(kpi: str, category: str) -> str:
    if category != TOTAL:
        return category
    if kpi == SERIOUS_VIOLENCE:
        return "All offence groups"
    return "All children counted"
