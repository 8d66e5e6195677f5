"""The figures narrative may quote, by name: filled from the same values as the tables."""

from __future__ import annotations

import pandas as pd

from yjnb import reuse
from yjnb.inputs.config import PlanConfig
from yjnb.inputs.load import NationalData
from yjnb.inputs.periods import period_label
from yjnb.narrative.markdown import NOT_AVAILABLE
from yjnb.sections.comparisons import (
    Comparison,
    published_decimals,
    ranking,
    reported,
    shown_value,
)
from yjnb.stats.indicators import INDICATORS, SMALL_COUNT, compare, format_limit, format_value

CLASSES = ("lower", "similar", "higher")

# name suffix -> what it means (listed by `yjnb placeholders`)
INDICATOR_FIELDS = {
    "latest": "latest value for this service",
    "latest_period": "period of the latest value",
    "previous": "value for the period before",
    "previous_period": "period before the latest",
    "change": "change from the previous period (latest minus previous)",
    "direction": "'up', 'down' or 'unchanged' from the previous period",
    "interval": "95% confidence interval of the latest value",
    "unit": "unit of the indicator",
    "vs_nation": "statistically lower, similar or higher than the nation",
    "vs_region": "statistically lower, similar or higher than the region",
    "nation": "latest value for the nation",
    "region": "latest value for the region",
    "vs_neighbours": "how many statistical neighbours the latest value is statistically "
    "lower than, similar to and higher than",
    "rank": "where the latest value ranks among the areas compared, e.g. '4th highest of the "
    "12 areas compared'",
}


@reuse.by_identity
def placeholder_values(
    config: PlanConfig, national: NationalData, comparison: Comparison
) -> dict[str, str]:
    """Every placeholder name with its display value ('not available' where there is no data)."""
    values = {
        "authority_name": config.name,
        "plan_year": config.year,
        "population_10_17": _population(config.area_code, national, comparison),
    }
    for key in INDICATORS:
        for field, value in _indicator_values(key, comparison).items():
            values[f"{key}.{field}"] = value
    return values


def describe() -> dict[str, str]:
    """Placeholder names with what each means."""
    names = {
        "authority_name": "the service's display name (plan.yaml name)",
        "plan_year": "the plan year (plan.yaml year)",
        "population_10_17": "latest published 10-17 population of the area",
    }
    for key, spec in INDICATORS.items():
        for field, meaning in INDICATOR_FIELDS.items():
            names[f"{key}.{field}"] = f"{spec.label}: {meaning}"
    return names


def _population(code: str, national: NationalData, comparison: Comparison) -> str:
    counts = national.counts
    rows = counts[(counts["area_code"] == code) & (counts["measure"] == "population_10_17")]
    rows = reported(rows, comparison.until)
    if rows.empty:
        return NOT_AVAILABLE
    return f"{rows.sort_values('period_end').iloc[-1]['value']:,.0f}"


def _indicator_values(key: str, comparison: Comparison) -> dict[str, str]:
    values = dict.fromkeys(INDICATOR_FIELDS, NOT_AVAILABLE)
    values["unit"] = INDICATORS[key].unit
    series = comparison.authority_series(key)
    if series.empty:
        return values
    latest = series.iloc[-1]
    values["latest"] = shown_value(key, latest["value"], latest["basis"])
    values["latest_period"] = _label(latest)
    if pd.notna(latest["ci_lower"]):
        lower, upper = (format_limit(key, latest[c]) for c in ("ci_lower", "ci_upper"))
        values["interval"] = f"{lower} to {upper}"
    if len(series) > 1:
        previous = series.iloc[-2]
        values["previous"] = shown_value(key, previous["value"], previous["basis"])
        values["previous_period"] = _label(previous)
        change = latest["value"] - previous["value"]
        sign = "+" if change > 0 else ""
        if "published" in (latest["basis"], previous["basis"]):
            places = max(
                published_decimals(latest["value"]), published_decimals(previous["value"])
            )
            values["change"] = f"{sign}{change:,.{places}f}"
        else:
            values["change"] = sign + format_value(key, change)
        values["direction"] = "up" if change > 0 else "down" if change < 0 else "unchanged"
    rows = comparison.latest(key)
    for role in ("nation", "region"):
        match = rows[rows["role"] == role]
        if not match.empty and pd.notna(match.iloc[0]["value"]):
            values[role] = shown_value(key, match.iloc[0]["value"], match.iloc[0]["basis"])
            verdict = compare(latest, match.iloc[0])
            values[f"vs_{role}"] = verdict if verdict in CLASSES else NOT_AVAILABLE
    values["rank"] = ranking(comparison, key) or NOT_AVAILABLE
    neighbours = rows[(rows["role"] == "neighbour") & rows["value"].notna()]
    if not neighbours.empty:
        values["vs_neighbours"] = _versus_neighbours(latest, neighbours)
    return values


def _versus_neighbours(latest: pd.Series, neighbours: pd.DataFrame) -> str:
    """'lower than 2, similar to 5 and higher than 3 of its 10 statistical neighbours'."""
    verdicts = [compare(latest, row) for _, row in neighbours.iterrows()]
    n = len(verdicts)
    words = {"lower": "lower than", "similar": "similar to", "higher": "higher than"}
    said = [f"{words[k]} {verdicts.count(k)}" for k in words if k in verdicts]
    unassessed = verdicts.count("not assessed")
    few = verdicts.count("too few")
    if not said:
        return (
            f"not assessed against its {n} statistical neighbours (figures published without "
            f"counts have no confidence interval, or count fewer than {SMALL_COUNT} events)"
        )
    text = (", ".join(said[:-1]) + " and " if len(said) > 1 else "") + said[-1]
    text += f" of its {n} statistical neighbours"
    aside = [f"{unassessed} not assessed"] if unassessed else []
    aside += [f"{few} not compared: fewer than {SMALL_COUNT} events"] if few else []
    return text + (f" ({'; '.join(aside)})" if aside else "")


def _label(row: pd.Series) -> str:
    return period_label(
        pd.Timestamp(row["period_start"]).date(), pd.Timestamp(row["period_end"]).date()
    )
