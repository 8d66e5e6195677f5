"""The YJB key performance indicators from kpis.csv: periods, counts and figures as shown.

Every figure comes from :func:`kpi_counts`, which turns the service's quarterly returns
into the counts a reader of the appendix sees or can work out: each category by quarter,
each measure's total (for measures where a child is counted once), the year (the sum of
its quarters) and the quarter before the first (behind the first change). The sums that
tie them are recorded with them, so the public profile's disclosure control
(:mod:`yjnb.present.suppress`) knows every route back to a hidden count. Definitions of the KPIs
and of who is counted are in ``yjnb/kpis.yaml`` and docs/kpis.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from yjnb.inputs.periods import parse_financial_year, parse_quarter, period_label
from yjnb.inputs.schemas import COHORT_PARTS, EXCLUSIVE_MEASURES, MEASURE_BASES, is_unknown
from yjnb.paths import PACKAGE_DIR
from yjnb.present.shown import (
    CHILDREN,
    NOT_REPORTED,
    POLARITIES,
    change_text,
    percent,
    points,
)
from yjnb.present.suppress import SUPPRESSED, Cells, Counts, CountsBuilder
from yjnb.sections.comparisons import plan_start, reported
from yjnb.stats.rounding import half_up

if TYPE_CHECKING:
    from yjnb.plan import Plan

TOTAL = "Total"
KEY = ("kpi", "period", "cohort", "measure", "category")
RATE_PER = 10_000
SERIOUS_VIOLENCE = "serious_violence"
# (kpi, measure) whose totals count every child whose order ended in the quarter.
SAME_CHILDREN = (
    ("accommodation", "suitability"), ("ete", "suitability"), ("send", "sen_level"),
    ("mental_health", "identified_need"), ("substance_misuse", "identified_need"),
)  # fmt: skip
# (kpi, measure) counting some of those children: its total, or each category if it has none.
PART_OF_CHILDREN = (("oocd", "outcome"), ("wider_services", "open_to"))


@dataclass(frozen=True)
class KpiSpec:
    """One KPI as the appendix shows it (yjnb/kpis.yaml)."""

    kpi: str
    number: int
    short: str
    title: str
    counted: str
    headline: tuple[dict[str, Any], ...]
    chart: dict[str, Any]

    def __post_init__(self) -> None:
        for headline in self.headline:
            if headline.get("better") not in POLARITIES:
                raise ValueError(
                    f"yjnb/kpis.yaml, kpi {self.kpi}: headline {headline.get('measure')} "
                    f"needs `better:` one of {', '.join(POLARITIES)}"
                )

    @property
    def name(self) -> str:
        """``KPI 1 Accommodation``."""
        return f"KPI {self.number} {self.title}"


@cache
def _presentation() -> dict[str, Any]:
    return yaml.safe_load((PACKAGE_DIR / "kpis.yaml").read_text(encoding="utf-8"))


def kpi_specs() -> dict[str, KpiSpec]:
    """The KPIs of kpis.csv in YJB order, as yjnb/kpis.yaml describes them."""
    return {
        entry["kpi"]: KpiSpec(**{**entry, "headline": tuple(entry["headline"])})
        for entry in _presentation()["kpis"]
    }


def board_attendance_polarity() -> str:
    """Whether more (``higher``) or less attendance is better: KPI 8, in yjnb/kpis.yaml."""
    better = _presentation()["board_attendance"]["better"]
    if better not in POLARITIES:
        raise ValueError(f"yjnb/kpis.yaml, board_attendance: better is one of {POLARITIES}")
    return better


def board_attendance_short() -> str:
    """KPI 8's name in the summary's row headers."""
    return _presentation()["board_attendance"]["short"]


def measure_label(measure: str) -> str:
    """A measure's display name: ``Type of accommodation`` for ``accommodation_type``."""
    return _presentation()["measures"].get(measure, measure)


def cohort_label(cohort: str) -> str:
    """A cohort's display name: ``Above school age (post-16)`` for ``post_16``."""
    return _presentation()["cohorts"].get(cohort, cohort)


def has_total(kpi: str, measure: str) -> bool:
    """Whether a measure has a total (children counted once; serious violence: its groups)."""
    return measure in EXCLUSIVE_MEASURES or kpi == SERIOUS_VIOLENCE


# --- periods and counts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """The year the appendix reports, its quarters in kpis.csv, and the quarters before."""

    year: str
    quarters: tuple[str, ...]
    previous: dict[str, str]

    @property
    def latest(self) -> str | None:
        """The last quarter reported."""
        return self.quarters[-1] if self.quarters else None


def quarter_before(label: str) -> str:
    """``2022-23 Q4`` for ``2023-24 Q1``; ``2023-24 Q1`` for ``2023-24 Q2``."""
    start = parse_quarter(label)[0]
    return _quarter_of(start - datetime.timedelta(days=1))


def _quarter_of(day) -> str:
    year = day.year if day.month >= 4 else day.year - 1
    quarter = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(day.month, 4)
    return f"{year}-{(year + 1) % 100:02d} Q{quarter}"


def quarter_of(day) -> str:
    """The financial-year quarter a date falls in: ``2023-24 Q1`` for 22 June 2023."""
    return _quarter_of(pd.Timestamp(day).date())


def kpi_periods(kpis: pd.DataFrame, plan_year: str) -> Periods:
    """The year before the plan year (or the latest year in kpis.csv if it has none)."""
    start = parse_financial_year(plan_year)[0]
    wanted = period_label(*parse_financial_year(f"{start.year - 1}-{start.year % 100:02d}"))
    present = sorted(set(kpis["period"]), key=lambda q: parse_quarter(q)[0])
    years = [q.split(" ")[0] for q in present]
    year = wanted if wanted in years else (years[-1] if years else wanted)
    quarters = tuple(q for q in present if q.startswith(year + " "))
    previous = {q: quarter_before(q) for q in quarters if quarter_before(q) in present}
    return Periods(year, quarters, previous)


def quarter_heading(period: str, year: str) -> str:
    """A quarter as a column heading under a caption naming the year: ``Q2``."""
    return period.removeprefix(year + " ")


def change_heading(periods: Periods) -> str | None:
    """The heading of the change column: ``Change, Q3 to Q4``; None with nothing to compare."""
    latest = periods.latest
    if latest is None or latest not in periods.previous:
        return None
    before = quarter_heading(periods.previous[latest], periods.year)
    return f"Change, {before} to {quarter_heading(latest, periods.year)}"


def kpi_counts(kpis: pd.DataFrame, periods: Periods, only: str | None = None) -> Counts:
    """Every count the KPI tables show or imply, with the sums between them.

    Parameters
    ----------
    kpis
        The validated kpis.csv (``LocalData.kpis``).
    periods
        The year and quarters reported.
    only
        One kpi; all of them if None.
    """
    wanted = set(periods.quarters) | set(periods.previous.values())
    # Plain tuples (kpi, period, cohort, measure, category, count), grouped by dict: a
    # pandas groupby costs more than the sums it makes, and this runs for every KPI shown.
    rows = [
        row
        for row in kpis[[*KEY, "count"]].itertuples(index=False, name=None)
        if row[1] in wanted and (only is None or row[0] == only)
    ]
    builder = CountsBuilder(KEY)
    for row in rows:
        builder.add(row[:-1], row[-1])
    for (kpi, period, cohort, measure), part in _groups(rows, (0, 1, 2, 3)).items():
        if has_total(kpi, measure):
            total = (kpi, period, cohort, measure, TOTAL)
            builder.add(total, sum(r[-1] for r in part))
            builder.add_sum(total, [r[:-1] for r in part])
    year = [row for row in rows if row[1] in periods.quarters]
    for (kpi, cohort, measure, category), part in _groups(year, (0, 2, 3, 4)).items():
        key = (kpi, periods.year, cohort, measure, category)
        builder.add(key, sum(r[-1] for r in part))
        builder.add_sum(key, [(kpi, r[1], cohort, measure, category) for r in part])
    for (kpi, cohort, measure), part in _groups(year, (0, 2, 3)).items():
        if has_total(kpi, measure):
            key = (kpi, periods.year, cohort, measure, TOTAL)
            builder.add(key, sum(r[-1] for r in part))
            quarters = dict.fromkeys(r[1] for r in part)
            builder.add_sum(key, [(kpi, q, cohort, measure, TOTAL) for q in quarters])
            categories = dict.fromkeys(r[4] for r in part)
            builder.add_sum(key, [(kpi, periods.year, cohort, measure, c) for c in categories])
    _add_known_relations(builder)
    return builder.build()


def _groups(rows: list[tuple], by: tuple[int, ...]) -> dict[tuple, list[tuple]]:
    """Rows grouped by the fields at positions ``by``, groups in order of first appearance."""
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        groups.setdefault(tuple(row[i] for i in by), []).append(row)
    return groups


def _add_known_relations(builder: CountsBuilder) -> None:
    # What a reader knows beyond the tables' own sums (docs/kpis.md): a measure counts the
    # children of its base ("of those with a need, how many were referred"), the ete
    # cohorts add up, a formal plan is counted for children with identified SEND only, and
    # every KPI of children counts the same children (those whose order ended in the
    # quarter), of whom out-of-court disposals and each wider service are a part. Each is
    # recorded only where the figures bear it out.
    keys = list(builder.keys())
    for kpi, period, cohort, measure, category in keys:
        if category == TOTAL and (kpi, measure) in MEASURE_BASES:
            base, base_category = MEASURE_BASES[(kpi, measure)]
            base_key = (kpi, period, cohort, base, base_category or TOTAL)
            builder.add_sum((kpi, period, cohort, measure, TOTAL), [base_key])
        whole, parts = COHORT_PARTS
        if kpi == "ete" and cohort == whole:
            key = (kpi, period, whole, measure, category)
            builder.add_sum(key, [(kpi, period, p, measure, category) for p in parts])
    periods = dict.fromkeys(k[1] for k in keys)
    for period in periods:
        _add_same_children(builder, keys, period)


def _add_same_children(builder: CountsBuilder, keys: list[tuple], period: str) -> None:
    send = [k for k in keys if k[:4] == ("send", period, "all", "sen_level")]
    needs = [k for k in send if k[4] != TOTAL and not _no_need(k[4])]
    builder.add_sum(("send", period, "all", "formal_plan", TOTAL), needs)
    counted = [(kpi, period, "all", measure, TOTAL) for kpi, measure in SAME_CHILDREN]
    present = [k for k in counted if k in builder]
    for i, one in enumerate(present):
        for other in present[i + 1 :]:
            builder.add_sum(one, [other])
    for key in keys:
        part = (key[0], key[3]) in PART_OF_CHILDREN
        if part and key[1] == period and (key[4] == TOTAL) == has_total(key[0], key[3]):
            for children in present:
                builder.add_at_most(key, children)


def _no_need(category: str) -> bool:
    """A special educational needs category that is no need, or not known."""
    return is_unknown(category) or category.strip().casefold().startswith("no ")


def kpi_spec(kpi: str) -> KpiSpec:
    """One KPI's presentation; KeyError naming the known ones if ``kpi`` is not one."""
    specs = kpi_specs()
    if kpi not in specs:
        raise KeyError(f"unknown kpi {kpi!r}: one of {', '.join(specs)}")
    return specs[kpi]


def figure(
    cells: Cells,
    key: tuple,
    previous: str | None,
    exclusive: bool | None = None,
    noun: tuple[str, str] = CHILDREN,
) -> dict[str, Any]:
    """One count with its total, percentage and change from the previous quarter.

    ``exclusive`` (default: from the measure) says whether it is a share of the total;
    ``noun`` what is counted (children; partner places for board attendance).
    Values are None where not reported or hidden; the ``*_hidden`` flags say which. A
    percentage is hidden if its count or total is; a change if either count is; a change
    in percentage points if either percentage is. ``change_text`` follows the percentage
    where it is shown, the count otherwise; ``moved`` is the change in what the figure
    measures (points for a share, the count otherwise), for judging it better or worse.
    """
    kpi, period, cohort, measure, category = key
    total_key = (kpi, period, cohort, measure, TOTAL)
    if exclusive is None:
        exclusive = measure in EXCLUSIVE_MEASURES and category != TOTAL
    count, total = cells.value(key), cells.value(total_key)
    share = percent(count, total) if exclusive else None
    share_hidden = exclusive and (cells.hidden(key) or cells.hidden(total_key))
    result = {
        "count": count,
        "count_text": cells.text(key),
        "count_hidden": cells.hidden(key),
        "total": total,
        "total_text": cells.text(total_key),
        "total_hidden": cells.hidden(total_key),
        "percent": share,
        "percent_hidden": share_hidden,
        "previous_period": previous,
        "previous_count": None,
        "previous_hidden": False,
        "change": None,
        "change_hidden": False,
        "points": None,
        "points_hidden": False,
        "change_text": NOT_REPORTED,
        "moved": None,
        "moved_hidden": False,
        "total_change": None,
        "total_change_hidden": False,
    }
    if previous is None:
        return result
    before_key = (kpi, previous, cohort, measure, category)
    before_total = (kpi, previous, cohort, measure, TOTAL)
    before = cells.value(before_key)
    before_share_hidden = exclusive and (cells.hidden(before_key) or cells.hidden(before_total))
    present = key in cells and before_key in cells
    change_hidden = present and (cells.hidden(key) or cells.hidden(before_key))
    points_hidden = present and (share_hidden or before_share_hidden)
    result.update(
        previous_count=before,
        previous_hidden=cells.hidden(before_key),
        change=None if count is None or before is None else count - before,
        change_hidden=change_hidden,
        points=points((count, total), (before, cells.value(before_total))) if exclusive else None,
        points_hidden=points_hidden,
    )
    total_before = cells.value(before_total)
    if total is not None and total_before is not None:
        result["total_change"] = total - total_before
    both = total_key in cells and before_total in cells
    result["total_change_hidden"] = both and (
        cells.hidden(total_key) or cells.hidden(before_total)
    )
    shown_points = None if points_hidden else result["points"]
    result["change_text"] = change_text(count, before, change_hidden, shown_points, noun)
    result["moved"] = shown_points if exclusive else result["change"]
    result["moved_hidden"] = points_hidden if exclusive else change_hidden
    return result


# --- serious violence rate -------------------------------------------------------------------


def population_10_17(plan: Plan) -> tuple[float, str] | None:
    """The area's 10-17 population for rates, and how it is described in notes.

    The published figure (data/national/counts.csv) for the period holding the KPI year's
    end, else the latest published; failing both, the total of population.csv by sex.
    """
    counts = plan.national.counts
    rows = counts[
        (counts["area_code"] == plan.config.area_code) & (counts["measure"] == "population_10_17")
    ]
    rows = reported(rows, plan_start(plan.config))
    if not rows.empty:
        year = kpi_periods(plan.local.kpis, plan.config.year).year
        end = pd.Timestamp(parse_financial_year(year)[1])
        holding = rows[(rows["period_start"] <= end) & (rows["period_end"] >= end)]
        row = (holding if not holding.empty else rows).sort_values("period_end").iloc[-1]
        when = period_label(row["period_start"].date(), row["period_end"].date())
        return float(row["value"]), f"the published population aged 10-17 for {when}"
    local = plan.local.population
    if local is not None and (local["group_type"] == "sex").any():
        total = float(local.loc[local["group_type"] == "sex", "population"].sum())
        return total, "the population aged 10-17 in population.csv"
    return None


def rate(count: int | None, population: float) -> float | None:
    """Count per 10,000 children, to two decimal places (half up, from the exact fraction)."""
    if count is None or not population:
        return None
    exact = Decimal(int(count)) * RATE_PER / Decimal(str(population))
    return float(half_up(exact, 2))


def rate_text(count: int | None, population: float, hidden: bool = False) -> str:
    """A rate per 10,000 as shown: ``1.05``, ``[c]`` if its count is hidden."""
    if hidden:
        return SUPPRESSED
    value = rate(count, population)
    return NOT_REPORTED if value is None else f"{value:.2f}"
