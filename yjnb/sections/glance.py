"""The year at a glance, which opens the performance appendix: ``at_a_glance``.

First every headline KPI for the latest quarter and the year, with its change and whether
the change is better or worse (:func:`yjnb.sections.kpi_summary.kpi_headlines`); then the
service against its comparators for first time entrants, reoffending and custody
(``comparators_at_a_glance``). Better or worse follows each figure's polarity, defined once
with its definition: for the KPIs in yjnb/kpis.yaml, for the national indicators in
:data:`yjnb.stats.indicators.INDICATORS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from yjnb.inputs.periods import period_label
from yjnb.present.headings import Heading
from yjnb.present.shown import BETTER, NOT_REPORTED, WORSE
from yjnb.present.tables import Table
from yjnb.sections.comparisons import CLASS_WORDS, Comparison, shown_value
from yjnb.sections.kpi_summary import kpi_headlines
from yjnb.stats.indicators import INDICATORS, compare

if TYPE_CHECKING:
    from yjnb.plan import Plan, Shown

ANCHOR = "at-a-glance"
# The indicators at a glance, each with its name in the row headers (units in a note).
GLANCE_INDICATORS = {
    "fte_rate": "First time entrants",
    "reoffending_rate": "Reoffending",
    "custody_rate": "Custody",
}
INTRO = (
    "Every key performance indicator for the latest quarter and the year, with its change "
    "from the quarter before and whether that change is better or worse; then the service "
    "against its comparators for first time entrants, reoffending and custody. Better or "
    "worse follows what each figure aims for; identified needs, links to wider services "
    "and victims describe the children and are not rated.",
)
COLUMNS = [
    "indicator", "period_start", "period_end", "unit", "role", "area_code", "area_name",
    "value", "compared", "better_or_worse",
]  # fmt: skip


def at_a_glance(plan: Plan) -> list[Shown]:
    """The heading ``At a glance`` (id ``at-a-glance``), the KPI summary, the comparators."""
    return [
        Heading("At a glance", ANCHOR, INTRO),
        kpi_headlines(plan),
        comparators_at_a_glance(plan.indicators),
    ]


def judged_class(compared: str, better: str) -> str:
    """``▼ Lower: ✓ better`` for a class of :func:`yjnb.stats.indicators.compare`."""
    words = CLASS_WORDS.get(compared, NOT_REPORTED)
    if compared in ("lower", "higher"):
        good = (compared == "higher") == (better == "higher")
        return f"{words}: {BETTER if good else WORSE}"
    return words


def _neighbours(classes: list[str], better: str) -> str:
    """``✓ better than 2, ● similar to 7 (of 10)``, or why none was compared."""
    if not classes:
        return NOT_REPORTED
    good = "lower" if better == "lower" else "higher"
    counts = {
        f"{BETTER} than": sum(c == good for c in classes),
        "● similar to": sum(c == "similar" for c in classes),
        f"{WORSE} than": sum(c in ("lower", "higher") and c != good for c in classes),
    }
    said = [f"{words} {n}" for words, n in counts.items() if n]
    if not said:
        why = "no intervals" if "not assessed" in classes else "fewer than 10 events"
        return f"not compared ({why}; {len(classes)} with a figure)"
    others = len(classes) - sum(counts.values())
    return f"{', '.join(said)} (of {len(classes)}{f'; {others} not compared' if others else ''})"


def _range(key: str, rows: list[pd.Series]) -> str:
    """The neighbours' figures as a range: ``41 to 165``."""
    if not rows:
        return NOT_REPORTED
    low = min(rows, key=lambda r: r["value"])
    high = max(rows, key=lambda r: r["value"])
    low_text = shown_value(key, low["value"], low["basis"])
    high_text = shown_value(key, high["value"], high["basis"])
    return low_text if low_text == high_text else f"{low_text} to {high_text}"


def comparators_at_a_glance(comparison: Comparison) -> Table:
    """First time entrants, reoffending and custody: the service, region, nation, neighbours.

    For each indicator's latest period: the service's figure, its region's and nation's,
    the range of its statistical neighbours', and whether the service is lower, similar or
    higher than the nation and each neighbour (by 95% intervals, as in the indicator's own
    table) and so better or worse. ``comparators_at_a_glance.csv`` has a row for each
    indicator and area with a figure.
    """
    roles = comparison.roles
    region = next((c for c, r in roles.items() if r == "region"), None)
    nation = next((c for c, r in roles.items() if r == "nation"), None)
    region_column = f"Region: {comparison.names.get(region, region)}" if region else "Region"
    nation_column = f"Nation: {comparison.names.get(nation, nation)}" if nation else "Nation"
    neighbours = [c for c, r in roles.items() if r == "neighbour"]
    view, records = [], []
    for key in GLANCE_INDICATORS:
        spec = INDICATORS[key]
        rows = comparison.latest(key)
        by_code = {r["area_code"]: r for _, r in rows[rows["value"].notna()].iterrows()}
        mine = by_code.get(comparison.authority_code)
        shown = {
            code: shown_value(key, row["value"], row["basis"]) for code, row in by_code.items()
        }
        versus = {
            code: "" if mine is None or code == comparison.authority_code else compare(mine, row)
            for code, row in by_code.items()
        }
        period = ""
        if not rows.empty:
            first = rows.iloc[0]
            period = period_label(_day(first["period_start"]), _day(first["period_end"]))
        against = [
            f"{role}: {judged_class(versus[code], spec.better)}"
            for role, code in (("region", region), ("nation", nation))
            if mine is not None and code in by_code
        ]
        near = [versus[c] for c in neighbours if c in by_code and mine is not None]
        if near:
            against.append(f"neighbours: {_neighbours(near, spec.better)}")
        view.append(
            {
                "Indicator": f"{GLANCE_INDICATORS[key]}, {period}"
                if period
                else GLANCE_INDICATORS[key],
                "This service": shown.get(comparison.authority_code, "no figure"),
                region_column: shown.get(region, NOT_REPORTED),
                nation_column: shown.get(nation, NOT_REPORTED),
                "Statistical neighbours (range)": _range(
                    key, [by_code[c] for c in neighbours if c in by_code]
                ),
                "This service compared": "; ".join(against) or NOT_REPORTED,
            }
        )
        for code, row in by_code.items():
            role = roles.get(code, "")
            if role not in ("authority", "region", "nation", "neighbour"):
                continue
            records.append(
                {
                    "indicator": key,
                    "period_start": _day(row["period_start"]).isoformat(),
                    "period_end": _day(row["period_end"]).isoformat(),
                    "unit": spec.unit,
                    "role": role,
                    "area_code": code,
                    "area_name": row["area_name"],
                    "value": row["value"],
                    "compared": versus[code],
                    "better_or_worse": _word(versus[code], spec.better),
                }
            )
    frame = pd.DataFrame(view)
    return Table(
        id="comparators_at_a_glance",
        caption=(
            f"First time entrants, reoffending and custody at a glance: "
            f"{comparison.authority_name} and its comparators, latest period"
        ),
        data=pd.DataFrame(records, columns=COLUMNS),
        view=frame,
        numeric=("This service", region_column, nation_column, "Statistical neighbours (range)"),
        notes=(
            "Units: " + "; ".join(_unit(k) for k in GLANCE_INDICATORS) + ".",
            *_missing_note(view),
            "Against the nation and neighbours: this service's figure is lower, similar or "
            "higher where the 95% confidence intervals do not overlap or do, as in each "
            "indicator's own table below; a figure published without counts has no interval "
            "and is not compared, nor is one from fewer than 10 events. For all three "
            "indicators a lower figure is better.",
            "compared: the service against the area (lower, similar, higher, too few, not "
            "assessed); better_or_worse: what that means for the service.",
        ),
        source="; ".join(_sources(comparison)),
    )


def _word(compared: str, better: str) -> str:
    if compared not in ("lower", "higher"):
        return ""
    return "better" if (compared == "higher") == (better == "higher") else "worse"


def _unit(key: str) -> str:
    spec = INDICATORS[key]
    unit = "as a percentage" if spec.unit == "%" else spec.unit
    return f"{spec.label.lower()} {unit}"


def _missing_note(view: list[dict]) -> list[str]:
    missing = [row["Indicator"] for row in view if row["This service"] == "no figure"]
    if not missing:
        return []
    return [
        f"{', '.join(missing)}: no figure for this service in yjnb's national data; the "
        "indicator's own table below says how to add the published figures."
    ]


def _day(value: object):
    return pd.Timestamp(value).date()


def _sources(comparison: Comparison) -> list[str]:
    table = comparison.table
    rows = table[table["indicator"].isin(list(GLANCE_INDICATORS)) & table["value"].notna()]
    return sorted({s for s in rows["source"].dropna() if s})
