"""The indicators of docs/indicators.md: one definition each, with 95% intervals and checks.

Every figure in a plan's performance tables comes from :func:`compute_indicators`, which
reads the tidy ``counts`` and ``areas`` frames of ``data/national/`` and returns one row
per area, indicator and period, saying how the value was obtained (``basis``):

``computed``
    numerator / denominator x multiplier from the area's own published counts.
``computed from N members``
    the same, where a count the area has no row for is the sum of its N member areas
    (only when every member has it for the period; otherwise nothing is computed).
``published``
    no counts to compute from, so the published rate is shown as published, with no
    interval.

The population for a period is the row for the same period; failing that, the row whose
period contains the indicator period's end date (the latest-starting one if several do).

Intervals
---------
Proportions (the binary reoffending rate) carry a Wilson score interval; rates and
reoffences per child carry the exact (Garwood) Poisson interval of the numerator count,
divided by the denominator, which is treated as known. Reoffences per reoffender cannot be
below 1 (each reoffender has at least one reoffence): its interval is 1 plus the exact
Poisson interval of the reoffences beyond each reoffender's first, per reoffender
(:data:`INTERVAL_METHODS` names each in words for the pages).

Comparison method
-----------------
:func:`compare` classes an authority against a comparator by their 95% intervals: if the
authority's interval lies wholly below the comparator's it is ``lower``, wholly above it
``higher``, and if the intervals overlap or touch, ``similar``. This is the conservative
rule of the public health technical guidance behind PHE/OHID Fingertips for comparing two
areas that both carry sampling error (Fingertips' own comparisons with England treat the
England value as fixed and ask whether it lies inside the local interval, which finds more
differences). Two figures whose intervals overlap can still differ significantly, so
``similar`` means "no clear evidence of a difference", not "the same". Where either figure
has no interval (a published rate without counts) the result is ``not assessed``.

Small numbers: a figure computed from fewer than :data:`SMALL_COUNT` events (its numerator:
first time entrants, custodial sentences, reoffenders, reoffences) is shown with its
interval but not classed, ``too few``. The threshold is the one below which the Fingertips
public health technical guidance does not calculate a directly standardised rate, its
interval being unreliable; here it keeps a handful of events from being called a difference.

Data-quality warnings (``IndicatorResult.warnings``) are raised where a published rate
disagrees with the rate computed from the counts by more than half a unit in the last
published decimal place, where an aggregate's published count disagrees with the sum of
its members, where a percentage exceeds 100, and where an aggregate's rate lies outside
the range of all its members' rates by more than rounding; each names the members and
their figures. Where some members have no figure, so that the check cannot be made, the
warning names them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from scipy.special import gammaincinv, ndtri

from yjnb.errors import Problem
from yjnb.stats.aggregates import POPULATION, AreaCounts, half_unit, number_text, period_text
from yjnb.stats.rounding import half_up
from yjnb.symbols import NOT_AVAILABLE

SMALL_COUNT = 10  # fewer events than this: shown, not classed lower, similar or higher
INTERVAL_METHODS = {
    "wilson": "the Wilson score interval",
    "poisson": "the exact (Garwood) Poisson interval of the count, divided by the denominator",
    "poisson_above_one": "1 plus the exact (Garwood) Poisson interval of the reoffences "
    "beyond each reoffender's first, per reoffender (so never below 1)",
}


@dataclass(frozen=True)
class Indicator:
    """The definition of one indicator: what is divided by what, and how it is shown."""

    key: str
    label: str
    numerator: str
    denominator: str
    multiplier: float
    unit: str
    published_measure: str | None
    interval: str | None  # a key of INTERVAL_METHODS, or None
    decimals: int  # for display, see format_value
    # Its polarity: whether a "higher" or "lower" figure is better. Fewer first time
    # entrants, less reoffending and less custody are the aims of every indicator here.
    better: str = "lower"


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("fte_rate", "First time entrants rate", "fte", POPULATION, 100_000,
                  "per 100,000 children aged 10-17", "fte_rate", "poisson", 1),
        Indicator("custody_rate", "Custody rate", "custody", POPULATION, 1_000,
                  "per 1,000 children aged 10-17", "custody_rate", "poisson", 2),
        Indicator("reoffending_rate", "Reoffending rate (binary)", "reoffenders",
                  "reoffending_cohort", 100, "%", "reoffending_rate", "wilson", 1),
        Indicator("reoffences_per_reoffender", "Reoffences per reoffender", "reoffences",
                  "reoffenders", 1, "reoffences per reoffender", None, "poisson_above_one", 2),
        Indicator("reoffences_per_child", "Reoffences per child in cohort", "reoffences",
                  "reoffending_cohort", 1, "reoffences per child in cohort", None, "poisson", 2),
    )
}  # fmt: skip

TABLE_COLUMNS = [
    "area_code", "area_name", "area_type", "indicator", "label", "period_start", "period_end",
    "numerator", "denominator", "value", "unit", "ci_lower", "ci_upper", "basis", "source",
]  # fmt: skip


@dataclass
class IndicatorResult:
    """The indicator table and the data-quality warnings found while computing it."""

    table: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)


def wilson_interval(
    successes: float, trials: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Wilson score interval for a proportion.

    Parameters
    ----------
    successes, trials : float
        The numerator and denominator; ``0 <= successes <= trials``.
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    tuple of float
        Lower and upper limits as proportions (0 to 1); NaN for both when ``trials`` is 0.
    """
    if successes < 0 or trials < 0 or successes > trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return math.nan, math.nan
    z = float(ndtri((1 + confidence) / 2))
    p = successes / trials
    scale = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / scale
    half = z / scale * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    lower = 0.0 if successes == 0 else max(0.0, centre - half)
    upper = 1.0 if successes == trials else min(1.0, centre + half)
    return lower, upper


def poisson_interval(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count.

    Parameters
    ----------
    count : float
        The observed count, ``>= 0``.
    confidence : float
        Two-sided confidence level.

    Returns
    -------
    tuple of float
        Lower and upper limits for the expected count (lower is 0 when ``count`` is 0).
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative, got {count}")
    alpha = 1 - confidence
    lower = float(gammaincinv(count, alpha / 2)) if count > 0 else 0.0
    return lower, float(gammaincinv(count + 1, 1 - alpha / 2))


def format_value(indicator: str, value: float) -> str:
    """Format an indicator value for display: the one rounding rule of the project.

    Rates per 100,000 and percentages to 1 decimal place, rates per 1,000 and reoffences per
    reoffender or child to 2, with thousands separators. Rounding is half-up on the decimal
    value as written (``2.675`` -> ``2.68``; 12/33 as a percentage -> ``36.4``), not binary
    float rounding. A missing value is shown as ``[x]``.

    Parameters
    ----------
    indicator : str
        A key of :data:`INDICATORS`.
    value : float
        The value in the indicator's unit.

    Returns
    -------
    str
        The value as it should appear in a table or sentence (no unit).
    """
    decimals = _indicator(indicator).decimals
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    return _rounded(value, decimals)


def format_limit(indicator: str, value: float) -> str:
    """Format a confidence limit as :func:`format_value` does, but never ``0.00`` if positive.

    A positive limit that would round to zero at the indicator's decimal places is given to
    the first decimal place that shows it: one custodial sentence among 19,101 children is
    0.05 per 1,000, 0.001 to 0.29, not 0.00 to 0.29.
    """
    if value is None or pd.isna(value):
        return NOT_AVAILABLE
    return limit_text(value, _indicator(indicator).decimals)


def limit_text(value: float, decimals: int) -> str:
    """A positive number to ``decimals`` places, or more until it no longer reads as zero."""
    while 0 < value and Decimal(_rounded(value, decimals).replace(",", "")) == 0:
        decimals += 1
    return _rounded(value, decimals)


def _rounded(value: float, decimals: int) -> str:
    rounded = half_up(value, decimals)
    return f"{rounded + 0:,.{decimals}f}"  # + 0 turns -0.0 into 0.0


def compare(authority: pd.Series | Mapping, comparator: pd.Series | Mapping) -> str:
    """Class an authority's figure against a comparator's by their 95% intervals.

    Parameters
    ----------
    authority, comparator : pandas.Series or mapping
        Rows of the indicator table (anything with ``ci_lower`` and ``ci_upper``).

    Returns
    -------
    str
        ``lower``, ``similar`` or ``higher`` (see the module docstring for the method);
        ``not assessed`` when either interval is missing; ``too few`` when either figure
        counts fewer than :data:`SMALL_COUNT` events.
    """
    own, other = _interval(authority), _interval(comparator)
    if own is None or other is None:
        return "not assessed"
    if is_small(authority) or is_small(comparator):
        return "too few"
    if own[1] < other[0]:
        return "lower"
    if own[0] > other[1]:
        return "higher"
    return "similar"


def is_small(row: pd.Series | Mapping) -> bool:
    """Whether a row of the indicator table counts fewer than :data:`SMALL_COUNT` events."""
    numerator = row.get("numerator")
    return numerator is not None and not pd.isna(numerator) and numerator < SMALL_COUNT


def compute_indicators(
    counts: pd.DataFrame,
    areas: pd.DataFrame,
    area_codes: list[str] | None = None,
    indicators: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> IndicatorResult:
    """Compute indicators for areas, with intervals, basis and data-quality warnings.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``data/national/counts.csv`` as loaded: area_code, measure, period_start,
        period_end (datetime64 or datetime.date), value, source.
    areas : pandas.DataFrame
        ``data/national/areas.csv`` as loaded: code, name, type, yjs_code, pcc_code,
        region_code (blanks are missing).
    area_codes : list of str, optional
        The areas to report, in this order; default every area in ``areas``.
    indicators : list of str, optional
        Keys of :data:`INDICATORS`, in this order; default all.
    since : str, optional
        An ISO date: periods ending before it are left out, and not checked.
    until : str, optional
        An ISO date: periods ending on or after it are left out, and not checked.

    Returns
    -------
    IndicatorResult
        ``table`` with :data:`TABLE_COLUMNS`, one row per area, indicator and period with a
        value; ``warnings`` about the reported areas only.
    """
    chosen = [_indicator(key) for key in (indicators or INDICATORS)]
    calc = _Calculator(counts, areas)
    codes = list(calc.areas) if area_codes is None else list(area_codes)
    calc.check_codes(codes)
    rows = []
    for code in codes:
        for ind in chosen:
            for start, end in calc.periods(ind):
                if (since and end < since) or (until and end >= until):
                    continue
                row = calc.indicator(code, ind, start, end)
                if row is not None:
                    rows.append(row)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for column in ("numerator", "denominator", "value", "ci_lower", "ci_upper"):
        table[column] = table[column].astype(float)
    return IndicatorResult(table, calc.warnings_about(codes))


# --- internals ---------------------------------------------------------------------------


def _indicator(key: str) -> Indicator:
    try:
        return INDICATORS[key]
    except KeyError:
        raise ValueError(f"unknown indicator {key!r}; known: {', '.join(INDICATORS)}") from None


def _interval(row: pd.Series | Mapping) -> tuple[float, float] | None:
    lower, upper = row.get("ci_lower"), row.get("ci_upper")
    if lower is None or upper is None or pd.isna(lower) or pd.isna(upper):
        return None
    return float(lower), float(upper)


class _Calculator(AreaCounts):
    """Indicators for any area on top of its resolved counts, memoised."""

    def __init__(self, counts: pd.DataFrame, areas: pd.DataFrame):
        super().__init__(counts, areas)
        self._indicators: dict[tuple, dict | None] = {}

    def periods(self, ind: Indicator) -> list[tuple[str, str]]:
        """List every period with a numerator or published rate row for any area."""
        return sorted(self.periods_of[ind.numerator] | self.periods_of[ind.published_measure])

    def indicator(self, code: str, ind: Indicator, start: str, end: str) -> dict | None:
        """Compute one row of the indicator table, or None where there is nothing to show."""
        key = (code, ind.key, start, end)
        if key not in self._indicators:
            self._indicators[key] = None  # stops a cycle in the area hierarchy
            self._indicators[key] = self._compute(code, ind, start, end)
        return self._indicators[key]

    def _compute(self, code: str, ind: Indicator, start: str, end: str) -> dict | None:
        area = self.areas[code]
        row = {"area_code": code, "area_name": area["name"], "area_type": area["type"],
               "indicator": ind.key, "label": ind.label, "period_start": start,
               "period_end": end, "unit": ind.unit}  # fmt: skip
        published = self.published(code, ind.published_measure, start, end)
        num = self.count(code, ind.numerator, start, end)
        den = self.count(code, ind.denominator, start, end)
        if num is not None and den is not None and den.value > 0:
            value, tolerance = num.value / den.value * ind.multiplier, 1e-9
            members = num.members or den.members
            plural = "s" if members != 1 else ""
            sources = dict.fromkeys(s for s in num.sources + den.sources if s)
            row |= {"numerator": num.value, "denominator": den.value, "value": value,
                    "basis": f"computed from {members} member{plural}" if members else "computed",
                    "source": "; ".join(sources)}  # fmt: skip
            row["ci_lower"], row["ci_upper"] = _ci(ind, num.value, den.value)
            if published is not None and abs(published[0] - value) > half_unit(published[0]):
                self.warn(code, f"published {ind.published_measure} for {period_text(start, end)} "
                                f"is {number_text(published[0])}, but the counts give "
                                f"{number_text(value)} ({format_value(ind.key, value)} "
                                "rounded)")  # fmt: skip
        elif published is not None:
            value, tolerance = published[0], half_unit(published[0])
            row |= {"numerator": math.nan, "denominator": math.nan, "value": value,
                    "ci_lower": math.nan, "ci_upper": math.nan, "basis": "published",
                    "source": published[1]}  # fmt: skip
        else:
            return None
        if ind.unit == "%" and value > 100 + tolerance:
            self.warn(code, f"{ind.key} for {period_text(start, end)} is {number_text(value)}%, "
                            "over 100%")  # fmt: skip
        own = not row["basis"].startswith("computed from")
        self._check_range(code, ind, start, end, value, tolerance, own)
        return row

    def _check_range(
        self, code, ind, start, end, value: float, tolerance: float, own: bool
    ) -> None:
        """Warn if an aggregate lies outside all its members' values by more than rounding.

        Where the aggregate has a figure of its own and some members have none, the warning
        says the check was not made and names them.
        """
        split = self.split(code, lambda m: self.indicator(m, ind, start, end))
        if split is None:
            return
        members, rows = split
        values = [None if r is None else r["value"] for r in rows]
        if None in values:
            if own:
                self.unchecked(code, ind.key, period_text(start, end), value, members, values)
            return
        margin = max([tolerance] + [half_unit(r["value"]) for r in rows
                                    if r["basis"] == "published"])  # fmt: skip
        if not min(values) - margin <= value <= max(values) + margin:
            self.warn(code, f"{ind.key} for {period_text(start, end)} is {number_text(value)}, "
                            "outside the range of its "
                            f"{len(rows)} member areas ({number_text(min(values))} to "
                            f"{number_text(max(values))}: "
                            f"{self.listing(members, values)})")  # fmt: skip


def _ci(ind: Indicator, numerator: float, denominator: float) -> tuple[float, float]:
    if ind.interval == "wilson" and numerator <= denominator:
        lower, upper = wilson_interval(numerator, denominator)
        return lower * ind.multiplier, upper * ind.multiplier
    if ind.interval == "poisson":
        lower, upper = poisson_interval(numerator)
        return lower / denominator * ind.multiplier, upper / denominator * ind.multiplier
    if ind.interval == "poisson_above_one" and numerator >= denominator:
        lower, upper = poisson_interval(numerator - denominator)
        return 1 + lower / denominator, 1 + upper / denominator
    return math.nan, math.nan  # no interval for an impossible figure
