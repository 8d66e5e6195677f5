"""One chart per KPI, drawn from the same counts as its table (and suppressed with them).

A KPI whose headline is a percentage (suitable accommodation, completed out-of-court
disposals...) is drawn as that percentage by quarter; a KPI whose categories overlap
(wider services, serious violence, victims) as the count of each category by quarter.
In the public profile a hidden figure is not drawn: its place is marked ``[c]``.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.ticker import MaxNLocator

from yjnb.present.charts import Chart, bars, new_figure, palette, render
from yjnb.present.suppress import SUPPRESSED, Cells, Protected
from yjnb.present.tables import Table
from yjnb.sections.kpi_tables import SOURCE
from yjnb.sections.kpis import (
    TOTAL,
    KpiSpec,
    Periods,
    cohort_label,
    figure,
    kpi_counts,
    kpi_periods,
    kpi_spec,
    measure_label,
)

if TYPE_CHECKING:
    from yjnb.plan import Plan

NOT_DRAWN = "The chart is not drawn: every figure in it is hidden to protect the children counted."
Point = tuple[str, float | None, str]  # quarter, value drawn (None: not drawn), text shown


def kpi_chart(plan: Plan, kpi: str) -> Protected:
    """The KPI's chart by quarter, with its figures as a table (``kpi_<kpi>_chart``)."""
    spec = kpi_spec(kpi)
    periods = kpi_periods(plan.local.kpis, plan.config.year)
    # Every KPI's counts: relations tie KPIs together, and each is suppressed as a whole.
    counts = kpi_counts(plan.local.kpis, periods)
    draw = functools.partial(
        _draw,
        spec=spec,
        periods=periods,
        name=plan.config.name,
        illustrative=plan.config.is_illustrative("kpis"),
    )
    return Protected(counts, draw)


def _series(frame: pd.DataFrame, spec: KpiSpec, periods: Periods) -> dict[tuple, list[Point]]:
    """(label, cohort, measure, category) -> one point per quarter."""
    cells = Cells(frame)
    chart = spec.chart
    mine = frame[(frame["kpi"] == spec.kpi) & (frame["category"] != TOTAL)]
    found: dict[tuple, list[Point]] = {}
    if chart["kind"] == "percent":
        measures = chart["measure"] if isinstance(chart["measure"], list) else [chart["measure"]]
        cohorts = list(dict.fromkeys(mine["cohort"]))
        for cohort in cohorts:
            for measure in measures:
                label = measure_label(measure) if len(measures) > 1 else cohort_label(cohort)
                key = (label, cohort, measure, chart["category"])
                found[key] = [
                    _percent_point(cells, (spec.kpi, q, cohort, measure, chart["category"]))
                    for q in periods.quarters
                ]
        return found
    rows = mine[mine["measure"] == chart["measure"]]
    for cohort, category in dict.fromkeys(zip(rows["cohort"], rows["category"], strict=True)):
        found[(category, cohort, chart["measure"], category)] = [
            _count_point(cells, (spec.kpi, q, cohort, chart["measure"], category))
            for q in periods.quarters
        ]
    return found


def _percent_point(cells: Cells, key: tuple) -> Point:
    shown = figure(cells, key, None)
    if shown["percent_hidden"]:
        return key[1], None, SUPPRESSED
    if shown["percent"] is None:
        return key[1], None, "not reported"
    return key[1], float(shown["percent"]), f"{shown['percent']}%"


def _count_point(cells: Cells, key: tuple) -> Point:
    if key not in cells:
        return key[1], None, "not reported"
    value = cells.value(key)
    return key[1], None if value is None else float(value), cells.text(key)


def _title(spec: KpiSpec, periods: Periods) -> str:
    if spec.chart["kind"] == "percent":
        labels = [h["label"] for h in spec.headline]
        what = labels[0] if len(labels) == 1 else ", then ".join(labels)
        return f"{spec.name}: percentage of children {what}, by quarter, {periods.year}"
    return f"{spec.name}: {measure_label(spec.chart['measure']).lower()}, by quarter, " + (
        f"{periods.year} (counts)"
    )


def _draw(
    frame: pd.DataFrame, spec: KpiSpec, periods: Periods, name: str, illustrative: bool
) -> Chart | Table:
    series = _series(frame, spec, periods)
    percent_kind = spec.chart["kind"] == "percent"
    points = [point for found in series.values() for point in found]
    if any(t == SUPPRESSED for _, _, t in points) and not any(v for _, v, _ in points):
        # Every figure is hidden or zero: a chart would show nothing, so only its table is.
        table = _table(spec, periods, series, name, illustrative, percent_kind)
        return table.with_notes(NOT_DRAWN)
    fig, axes = new_figure(8, 4.5)
    colours = palette("categorical")
    top = max([v for points in series.values() for _, v, _ in points if v is not None] + [1])
    ceiling = 100 if percent_kind else top
    # One bar a quarter for each series, side by side; an undrawn figure is a bar of nothing.
    drawn = pd.DataFrame(
        [(str(i), q, 0 if v is None else v) for i, points in enumerate(series.values())
         for q, v, _ in points],
        columns=["series", "quarter", "value"],
    )  # fmt: skip
    hues = {str(i): colours[i % len(colours)] for i in range(len(series))}
    if series:
        bars(axes, data=drawn, x="quarter", y="value", order=periods.quarters, hue="series",
             hue_order=list(hues), palette=hues, dodge=True, width=0.8, gap=0.08)  # fmt: skip
    size = 8 if len(series) < 4 else 6.5
    for container, (key, points) in zip(axes.containers, series.items(), strict=True):
        container.set_label(key[0])
        for bar, (_, value, text) in zip(container, points, strict=True):
            # Labelled as the table shows the figure (62.5%), never re-rounded.
            axes.text(bar.get_x() + bar.get_width() / 2, (value or 0) + ceiling * 0.01, text,
                      ha="center", va="bottom", fontsize=size)  # fmt: skip
    axes.set_ylim(0, ceiling * 1.12)
    axes.set_ylabel("Percentage of children" if percent_kind else "Number counted")
    if not percent_kind:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1),
                    ncol=min(len(series), 3))  # fmt: skip
    title = _title(spec, periods)
    table = _table(spec, periods, series, name, illustrative, percent_kind)
    return render(fig, f"kpi_{spec.kpi}", title, _alt(title, series), table)


def _alt(title: str, series: dict[tuple, list[Point]]) -> str:
    parts = []
    for key, points in series.items():
        shown = ", ".join(
            f"{q.split(' ')[-1]} {'not shown (small numbers)' if t == SUPPRESSED else t}"
            for q, _, t in points
        )
        parts.append(f"{key[0]}: {shown}")
    return f"Bar chart. {title}. " + "; ".join(parts) + "."


def _table(
    spec: KpiSpec,
    periods: Periods,
    series: dict[tuple, list[Point]],
    name: str,
    illustrative: bool,
    percent_kind: bool,
) -> Table:
    records = [
        {
            "period": q,
            "kpi": spec.kpi,
            "cohort": cohort,
            "measure": measure,
            "category": category,
            "value": SUPPRESSED if text == SUPPRESSED else _number(value, percent_kind),
            "unit": "percent" if percent_kind else "count",
        }
        for (_, cohort, measure, category), points in series.items()
        for q, value, text in points
    ]
    view = pd.DataFrame(
        [{"Series": key[0], **{q: t for q, _, t in points}} for key, points in series.items()],
        columns=["Series", *periods.quarters],
    )
    return Table(
        id=f"kpi_{spec.kpi}_chart",
        caption=f"Figures in the chart: {_title(spec, periods)}, {name}",
        data=pd.DataFrame(records, dtype=object),
        view=view,
        numeric=tuple(periods.quarters),
        source=SOURCE,
        illustrative=illustrative,
    )


def _number(value: float | None, percent_kind: bool) -> float | int | None:
    if value is None or percent_kind:
        return value
    return int(value)
