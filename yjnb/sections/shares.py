"""The authority's share of its police force area, region and nation, measure by measure."""

from __future__ import annotations

import pandas as pd

from yjnb.inputs.load import NationalData
from yjnb.inputs.periods import period_label
from yjnb.present.tables import Table
from yjnb.sections.comparisons import MEASURE_LABELS, NOT_IN_DATA, ROLE_LABELS, Comparison
from yjnb.stats.aggregates import AreaCounts
from yjnb.stats.rounding import half_up

SHARE_ROLES = ("pcc", "region", "nation")
SHARE_MEASURES = tuple(MEASURE_LABELS)
SHARE_COLUMNS = [
    "measure", "period_start", "period_end", "area_code", "area_name", "role",
    "authority_count", "area_count", "share_percent", "area_basis", "source",
]  # fmt: skip


def share_of_area_table(comparison: Comparison, national: NationalData) -> Table:
    """The authority's counts as a share of its police force area's, region's and nation's.

    For each count measure the authority has a figure for, its latest period is used; each
    area's count is its published figure or, where none is published, the sum of its member
    areas (the table says which). A share needs both counts, so rates published without
    counts do not appear here.

    Parameters
    ----------
    comparison
        The authority and its comparators (``plan.indicators``).
    national
        The national data (``plan.national``).

    Returns
    -------
    Table
        ``tables/share_of_area.csv``: one row per measure and area, with the share in per
        cent of the area's count.
    """
    calc = AreaCounts(national.counts, national.areas)
    own = comparison.authority_code
    areas = [(code, role) for code, role in comparison.roles.items() if role in SHARE_ROLES]
    rows = []
    for measure in SHARE_MEASURES:
        until = comparison.until or "9999"
        recent = [p for p in calc.periods_of[measure] if comparison.since <= p[1] < until]
        periods = sorted(recent, key=lambda p: (p[1], p[0]), reverse=True)
        latest = next(((p, f) for p in periods if (f := calc.count(own, measure, *p))), None)
        if latest is None:
            continue
        (start, end), mine = latest
        for code, role in areas:
            figure = calc.count(code, measure, start, end)
            total = figure.value if figure else float("nan")
            share = mine.value / total * 100 if figure and total > 0 else float("nan")
            sources = dict.fromkeys(s for s in mine.sources + (figure.sources if figure else ()))
            basis = figure.basis if figure else NOT_IN_DATA
            name = comparison.names.get(code, code)
            source = "; ".join(s for s in sources if s)
            rows.append(
                [measure, start, end, code, name, role, mine.value, total, share, basis, source]
            )
    data = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    for column in ("authority_count", "area_count"):  # counts: written without ".0"
        data[column] = data[column].round().astype("Int64")
    view = pd.DataFrame(
        {
            "Measure": data["measure"].map(MEASURE_LABELS),
            "Period": list(map(_label, data["period_start"], data["period_end"])),
            "Area": data["area_name"],
            "Comparison group": data["role"].map(ROLE_LABELS),
            comparison.authority_name: [_count(v) for v in data["authority_count"]],
            "Area total": [_count(v) for v in data["area_count"]],
            "Share of area (%)": [_share(v) for v in data["share_percent"]],
        }
    )
    notes = [
        f"Share: {comparison.authority_name}'s count as a percentage of the area's count for "
        "the same period. Only measures published as counts can be shared out; rates published "
        "without counts are not.",
    ]
    if data["area_basis"].eq(NOT_IN_DATA).any():
        notes.append(
            "Not in yjnb's data: data/national/counts.csv has no count for the area and "
            "period, and none can be summed from its member areas."
        )
    summed = data[data["area_basis"].str.startswith("sum of")]
    notes += sorted(
        {
            f"{name}: the area total is the sum of its {basis.split()[2]} member "
            f"area{'s' if basis.split()[2] != '1' else ''}."
            for name, basis in zip(summed["area_name"], summed["area_basis"], strict=True)
        }
    )
    notes += [str(p.message) for p in calc.warnings_about([own] + [c for c, _ in areas])]
    return Table(
        id="share_of_area",
        caption=f"{comparison.authority_name}'s share of its police force area, region and nation",
        data=data,
        view=view,
        numeric=(comparison.authority_name, "Area total", "Share of area (%)"),
        notes=tuple(notes),
        source="; ".join(sorted(set("; ".join(data["source"]).split("; ")) - {""})),
        row_header=False,
    )


def _label(start: str, end: str) -> str:
    return period_label(pd.Timestamp(start).date(), pd.Timestamp(end).date())


def _count(value: float) -> str:
    return "Not in yjnb's data" if pd.isna(value) else f"{value:,.0f}"


def _share(value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"{half_up(value, 1)}"
