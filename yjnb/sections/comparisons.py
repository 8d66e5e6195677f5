"""The authority against its comparators: which areas, and the comparison tables for section 4."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from yjnb import reuse
from yjnb.errors import Problem
from yjnb.inputs.config import PlanConfig
from yjnb.inputs.load import NationalData
from yjnb.inputs.periods import financial_year_label, parse_financial_year, period_label
from yjnb.present.tables import Table
from yjnb.stats.aggregates import COUNTS_FILE
from yjnb.stats.indicators import (
    INDICATORS,
    INTERVAL_METHODS,
    SMALL_COUNT,
    compare,
    compute_indicators,
    format_limit,
    format_value,
)

ROLE_LABELS = {
    "authority": "This service",
    "chosen": "Chosen comparator",
    "neighbour": "Statistical neighbour",
    "pcc": "Police force area",
    "region": "Region",
    "nation": "Nation",
}
MEASURE_LABELS = {
    "population_10_17": "Children aged 10-17",
    "fte": "First time entrants",
    "custody": "Custodial sentences",
    "reoffending_cohort": "Children in cohort",
    "reoffenders": "Children who reoffended",
    "reoffences": "Reoffences",
}
NOT_IN_DATA = "not in yjnb's national data"
ALWAYS_LISTED = ("authority", "pcc", "region", "nation")
OTHER_PERIOD = "other period"
CLASS_WORDS = {
    "lower": "▼ Lower",
    "similar": "● Similar",
    "higher": "▲ Higher",
    "not assessed": "Not assessed (no interval)",
    "too few": f"Not compared (fewer than {SMALL_COUNT} events)",
    OTHER_PERIOD: "Not compared (other period)",
}
# How the published figures of each indicator are brought into data/national/counts.csv.
IMPORT_HINTS = {
    "fte_rate": "import the DfE LAIT FirstYJS download with `yjnb import lait FILE`",
    "custody_rate": "import the YJB local-level Outcome table with `yjnb import yjb FILE`",
}
OTHER_IMPORT = (
    "add the YJB's published counts to data/national/counts.csv (docs/indicators.md; "
    "`yjnb import yjb` and `yjnb import lait` do not read them)"
)
INDICATOR_COLUMNS = [
    "area_code",
    "area_name",
    "indicator",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "unit",
    "ci_lower",
    "ci_upper",
    "basis",
    "role",
    "source",
]


@dataclass(frozen=True)
class Comparison:
    """Indicators for an authority and its comparators."""

    authority_code: str
    authority_name: str
    roles: dict[str, str]
    table: pd.DataFrame
    warnings: list[Problem]
    names: dict[str, str] = field(default_factory=dict)  # area code -> name, every role
    since: str = ""  # ISO date: periods ending before it are left out
    older: frozenset[str] = frozenset()  # indicators with figures left out for their age
    until: str = ""  # ISO date, the plan year's start: periods ending on or after it are left out
    newer: frozenset[str] = frozenset()  # indicators with figures left out as too recent

    def latest(self, indicator: str) -> pd.DataFrame:
        """Rows for the indicator's latest period with a value for the authority.

        Falls back to the latest period of any comparator when the authority has none.
        """
        rows = self.table[self.table["indicator"] == indicator]
        own = rows[(rows["area_code"] == self.authority_code) & rows["value"].notna()]
        pool = own if not own.empty else rows[rows["value"].notna()]
        if pool.empty:
            return rows.iloc[0:0]
        end = pool["period_end"].max()
        return rows[rows["period_end"] == end]

    def authority_series(self, indicator: str) -> pd.DataFrame:
        """The authority's own values for an indicator, oldest first."""
        rows = self.table[
            (self.table["indicator"] == indicator)
            & (self.table["area_code"] == self.authority_code)
            & self.table["value"].notna()
        ]
        return rows.sort_values("period_end")


def ranking(comparison: Comparison, indicator: str) -> str:
    """Where the authority's latest figure ranks among every area with one for that period.

    Returns
    -------
    str
        For example ``4th highest of the 12 areas compared``, ``lowest of the 3 areas
        compared`` or ``joint 2nd highest ...``; empty if the authority has no figure or is
        the only area with one.
    """
    latest = comparison.latest(indicator)
    latest = latest[latest["value"].notna()]
    own = latest.loc[latest["area_code"] == comparison.authority_code, "value"]
    if own.empty or len(latest) < 2:
        return ""
    value = own.iloc[0]
    above, level = int((latest["value"] > value).sum()), int((latest["value"] == value).sum())
    joint = "joint " if level > 1 else ""
    if above == 0:
        place = f"{joint}highest"
    elif above + level == len(latest):
        place = f"{joint}lowest"
    else:
        n = above + 1
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        place = f"{joint}{n}{suffix} highest"
    return f"{place} of the {len(latest)} areas compared"


def comparator_roles(config: PlanConfig, national: NationalData) -> dict[str, str]:
    """Area code to comparison role, in display order: the authority first, the nation last."""
    area = national.area(config.area_code)
    roles = {config.area_code: "authority"}
    for code in config.comparators:
        roles.setdefault(code, "chosen")
    neighbours = national.neighbours
    own = neighbours[neighbours["area_code"] == config.area_code].sort_values("rank")
    for code in own["neighbour_code"]:
        roles.setdefault(code, "neighbour")
    for group in ("pcc_code", "region_code"):
        code = area.get(group)
        if isinstance(code, str) and code:
            roles.setdefault(code, group.removesuffix("_code"))
    nation = _nation_of(area, national)
    if nation:
        roles.setdefault(nation, "nation")
    return roles


def _nation_of(area: pd.Series, national: NationalData) -> str | None:
    # Follow region_code upwards until an area of type 'nation' is reached.
    seen = set()
    while isinstance(area.get("region_code"), str) and area["region_code"] not in seen:
        seen.add(area["region_code"])
        try:
            area = national.area(area["region_code"])
        except KeyError:
            return None
        if area["type"] == "nation":
            return area["code"]
    return None


def earliest_end(config: PlanConfig) -> str:
    """The ISO date before which a period is too old to show: ``history_years`` before the plan.

    A 2024-25 plan with the default of 5 shows periods ending on or after 1 April 2019, the
    start of 2019-20: calendar year 2019 and financial year 2019-20 are shown, 2018-19 not.
    """
    return f"{int(config.year[:4]) - config.history_years}-04-01"


def plan_start(config: PlanConfig) -> str:
    """The ISO date the plan year begins: periods ending on or after it are left out.

    A plan reports on the years before it: a 2024-25 plan, published by 30 June 2024, shows
    financial year 2023-24 and calendar year 2023 at the latest, as Westmorland and Furness's
    did; calendar year 2024 ends within the plan year, and was not yet published.
    """
    return parse_financial_year(config.year)[0].isoformat()


def reported(frame: pd.DataFrame, until: str) -> pd.DataFrame:
    """The rows of ``frame`` (with a ``period_end``) for periods ending before ``until``.

    ``until`` is :func:`plan_start` (``Comparison.until``); empty, every row is kept.
    """
    if not until:
        return frame
    return frame[pd.to_datetime(frame["period_end"]) < pd.Timestamp(until)]


def since_text(comparison: Comparison) -> str:
    """The oldest period end shown, in words: 'since April 2019'."""
    return f"since April {comparison.since[:4]}" if comparison.since else ""


def import_hint(indicator: str) -> str:
    """How to bring an indicator's published figures into yjnb's national data."""
    return IMPORT_HINTS.get(indicator, OTHER_IMPORT)


@reuse.by_identity
def compare_authority(config: PlanConfig, national: NationalData) -> Comparison:
    """Compute every indicator for the authority and its comparators, recent periods only.

    Periods ending before :func:`earliest_end` are left out (plan.yaml ``history_years``),
    and so are the checks of their figures.
    """
    roles = comparator_roles(config, national)
    since, until = earliest_end(config), plan_start(config)
    result = compute_indicators(
        national.counts, national.areas, area_codes=list(roles), since=since, until=until
    )
    counts = national.counts
    mine = counts[counts["area_code"].isin(list(roles))]
    older = _indicators_in(mine[mine["period_end"] < since])
    newer = _indicators_in(mine[mine["period_end"] >= until])
    table = result.table.copy()
    table["role"] = table["area_code"].map(roles)
    order = {code: i for i, code in enumerate(roles)}
    table = table.sort_values(
        ["indicator", "period_end", "area_code"],
        key=lambda s: s.map(order) if s.name == "area_code" else s,
        kind="stable",
    ).reset_index(drop=True)
    name = national.area(config.area_code)["name"]
    names = {code: national.area(code)["name"] for code in roles}
    notes = [_import_note(table, indicator, names, since) for indicator in INDICATORS]
    return Comparison(
        config.area_code, name, roles, table,
        list(result.warnings) + [n for n in notes if n is not None], names, since, older,
        until, newer,
    )  # fmt: skip


def _import_note(
    table: pd.DataFrame, indicator: str, names: dict[str, str], since: str
) -> Problem | None:
    """The areas with no figure for an indicator, and how to add the published figures.

    For the analyst (data notes, manifest, validate), not the page: a note, as the data are
    not wrong, only incomplete.
    """
    with_figure = set(table.loc[(table["indicator"] == indicator) & table["value"].notna(),
                                "area_code"])  # fmt: skip
    missing = [name for code, name in names.items() if code not in with_figure]
    if not missing:
        return None
    areas = "any area compared" if len(missing) == len(names) else ", ".join(missing)
    when = f" since April {since[:4]}" if since else ""
    message = (
        f"{INDICATORS[indicator].label}: no figure{when} for {areas}. To add the published "
        f"figures, {import_hint(indicator)}."
    )
    return Problem(COUNTS_FILE, message, column="value", severity="note")


def _indicators_in(counts: pd.DataFrame) -> frozenset[str]:
    """The indicators some of whose figures are among ``counts``."""
    return frozenset(
        key
        for key, spec in INDICATORS.items()
        if counts["measure"].isin([spec.numerator, spec.published_measure]).any()
    )


def comparison_table(comparison: Comparison, indicator: str) -> Table:
    """The authority against every comparator for an indicator's latest period.

    Every comparator is listed, in the order of :func:`comparator_roles`. One with no figure
    for the period shows its latest figure with its own period beside it, not compared; the
    police force area, region and nation with no figure at all say so ("Not in yjnb's
    data"); neighbours and chosen comparators with none are named in a note.
    """
    spec = INDICATORS[indicator]
    rows = _every_comparator(comparison, indicator, comparison.latest(indicator))
    caption = f"{spec.label}, {comparison.authority_name} and comparators"
    if rows.empty:
        return Table(
            id=f"comparison_{indicator}",
            caption=f"{caption}, {since_text(comparison) or 'every period'}",
            data=rows.reindex(columns=INDICATOR_COLUMNS + ["authority_compared"]),
            view=pd.DataFrame(),
            empty=no_figures_text(comparison, indicator),
        )
    period = period_label(*_dates(rows))
    same = rows["period_end"].eq(rows["period_end"].iloc[0]).to_numpy()
    own = rows[(rows["area_code"] == comparison.authority_code) & rows["value"].notna()]
    own_row = own.iloc[0] if not own.empty else None
    classes = [
        ""
        if r["area_code"] == comparison.authority_code or own_row is None or pd.isna(r["value"])
        else (compare(own_row, r) if here else OTHER_PERIOD)
        for (_, r), here in zip(rows.iterrows(), same, strict=True)
    ]
    data = rows.assign(authority_compared=classes)[INDICATOR_COLUMNS + ["authority_compared"]]
    versus = f"{comparison.authority_name} compared with this area"
    columns = {
        "Area": rows["area_name"],
        "Comparison group": rows["role"].map(ROLE_LABELS),
    }
    if not same.all():
        columns["Period"] = [_label(r) for _, r in rows.iterrows()]
    view = pd.DataFrame(
        columns
        | {
            MEASURE_LABELS[spec.numerator]: [_count(v) for v in rows["numerator"]],
            MEASURE_LABELS[spec.denominator]: [_count(v) for v in rows["denominator"]],
            f"{spec.label} ({spec.unit})": [
                _value(indicator, v, basis)
                for v, basis in zip(rows["value"], rows["basis"], strict=True)
            ],
            "95% confidence interval": [
                _interval(indicator, lo, hi)
                for lo, hi in zip(rows["ci_lower"], rows["ci_upper"], strict=True)
            ],
            versus: [CLASS_WORDS.get(c, "—") if c else "—" for c in classes],
        }
    )
    notes = [
        "Lower, similar or higher: whether the 95% confidence intervals of this service and the "
        "area overlap (similar) or not. Figures published without counts have no interval, so "
        "they are not assessed.",
    ]
    if rows["ci_lower"].notna().any():
        notes.append(methods_note(indicator))
    if own_row is None:
        notes.append(f"{comparison.authority_name} has no figure for this period in yjnb's "
                     "national data.")  # fmt: skip
    elsewhere = rows.loc[~same & rows["value"].notna(), "area_name"].tolist()
    if elsewhere:
        notes.append(f"{', '.join(elsewhere)}: no figure for {period} in yjnb's national data, so "
                     "the latest figure is shown for its own period (Period column) and not "
                     "compared with this service.")  # fmt: skip
    absent = [
        comparison.names.get(code, code)
        for code, role in comparison.roles.items()
        if role not in ALWAYS_LISTED and code not in set(rows["area_code"])
    ]
    if absent:
        notes.append(f"Not in yjnb's national data for this period: {', '.join(absent)}.")
    if rows["basis"].eq(NOT_IN_DATA).any() or absent:
        notes.append("Not in yjnb's data: the national statistics this plan is built from have "
                     "no figure for the area and period, and none can be summed from its member "
                     "areas.")  # fmt: skip
    notes += [
        f"{name}: {basis}."
        for name, basis in zip(rows["area_name"], rows["basis"], strict=True)
        if basis.startswith("computed from")
    ]
    notes += left_out_notes(comparison, indicator)
    view_columns = list(view.columns)
    first_number = view_columns.index(MEASURE_LABELS[spec.numerator])
    return Table(
        id=f"comparison_{indicator}",
        caption=f"{caption}, {period}",
        data=data.reset_index(drop=True),
        view=view.reset_index(drop=True),
        numeric=tuple(view_columns[first_number : first_number + 4]),
        notes=tuple(notes),
        source="; ".join(sorted(set(rows["source"].dropna()) - {""})),
        highlight=tuple(rows["area_code"] == comparison.authority_code),
    )


def methods_note(indicator: str) -> str:
    """The interval method and the small-number rule, as a table note."""
    return (
        f"{interval_note([indicator])} A figure counting fewer than {SMALL_COUNT} events is "
        "shown with its interval but not compared: with so few, a difference cannot be told "
        "from chance (the Fingertips public health technical guidance calculates no directly "
        "standardised rate from fewer than 10 events)."
    )


def interval_note(indicators: list[str]) -> str:
    """The interval methods of some indicators, as a table note."""
    methods = [INTERVAL_METHODS[INDICATORS[key].interval] for key in indicators]
    if len(methods) == 1:
        return f"Methods: 95% confidence intervals are {methods[0]}."
    each = "; ".join(
        f"{INDICATORS[key].label.lower()}, {method}"
        for key, method in zip(indicators, methods, strict=True)
    )
    return f"Methods: 95% confidence intervals: {each}."


def left_out_notes(comparison: Comparison, indicator: str) -> list[str]:
    """Notes saying which figures were left out: older than the plan's history, or too recent."""
    notes = []
    if indicator in comparison.older:
        notes.append(
            f"Figures for periods ending before 1 April {comparison.since[:4]} are left out: "
            f"the plan looks back {int(comparison.until[:4]) - int(comparison.since[:4])} years."
        )
    if indicator in comparison.newer:
        notes.append(newer_note(comparison))
    return notes


def newer_note(comparison: Comparison) -> str:
    """The note that figures for periods ending within the plan year or later are left out."""
    year = financial_year_label(int(comparison.until[:4]))
    return (
        f"Figures for periods ending on or after 1 April {comparison.until[:4]}, when the "
        f"plan year {year} began, are left out: the plan reports on the years before it."
    )


def no_figures_text(comparison: Comparison, indicator: str) -> str:
    """The sentence shown where no area compared has a figure for an indicator."""
    older = "".join(" " + note for note in left_out_notes(comparison, indicator))
    return (
        f"no figures {since_text(comparison)} for {comparison.authority_name} or its "
        f"comparators are in yjnb's national data.{older}"
    )


def indicators_table(comparison: Comparison) -> Table:
    """Every indicator, period and area compared: the tidy tables/indicators.csv."""
    data = comparison.table[INDICATOR_COLUMNS].reset_index(drop=True)
    return Table(
        id="indicators",
        caption=f"Indicators for {comparison.authority_name} and its comparators, every period",
        data=data,
        view=data,
        row_header=False,
    )


def _every_comparator(comparison: Comparison, indicator: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest-period rows, then for each comparator without one its own latest figure.

    A comparator with no figure at all is listed as not in yjnb's national data if it is
    the authority, its police force area, region or nation; other comparators without one
    are named in a note instead.
    """
    if rows.empty:
        return rows
    first = rows.iloc[0]
    present = set(rows["area_code"])
    table = comparison.table
    have = table[(table["indicator"] == indicator) & table["value"].notna()]
    others = have[~have["area_code"].isin(present)].sort_values("period_end").groupby("area_code")
    names = dict(zip(comparison.table["area_code"], comparison.table["area_name"], strict=True))
    names |= comparison.names
    elsewhere = others.tail(1)
    shown = present | set(elsewhere["area_code"])
    missing = [
        {"area_code": code, "area_name": names.get(code, code), "indicator": indicator,
         "period_start": first["period_start"], "period_end": first["period_end"],
         "unit": first["unit"], "basis": NOT_IN_DATA, "role": role, "source": ""}
        for code, role in comparison.roles.items()
        if code not in shown and role in ALWAYS_LISTED
    ]  # fmt: skip
    if elsewhere.empty and not missing:
        return rows
    order = {code: i for i, code in enumerate(comparison.roles)}
    combined = pd.concat(
        [frame for frame in (rows, elsewhere, pd.DataFrame(missing)) if not frame.empty],
        ignore_index=True,
    )
    return combined.sort_values("area_code", key=lambda s: s.map(order), kind="stable")


def _label(row: pd.Series) -> str:
    return period_label(*_dates(pd.DataFrame([row])))


def _dates(rows: pd.DataFrame) -> tuple:
    first = rows.iloc[0]
    return pd.Timestamp(first["period_start"]).date(), pd.Timestamp(first["period_end"]).date()


def _count(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:,.0f}"


def _value(indicator: str, value: float, basis: str) -> str:
    if basis == NOT_IN_DATA:
        return "Not in yjnb's data"
    return "—" if pd.isna(value) else shown_value(indicator, value, basis)


def shown_value(indicator: str, value: float, basis: str) -> str:
    """An indicator value as displayed.

    Computed values follow the indicator's rounding rule; published values keep their own
    precision (100.0 shows as 100, 18.4 as 18.4).
    """
    if basis != "published":
        return format_value(indicator, value)
    return f"{value:,.{published_decimals(value)}f}"


def published_decimals(value: float) -> int:
    """Decimal places a published figure was given to, read from its shortest repr."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def _interval(indicator: str, lower: float, upper: float) -> str:
    if pd.isna(lower) or pd.isna(upper):
        return "—"
    return f"{format_limit(indicator, lower)} to {format_limit(indicator, upper)}"


def population_table(comparison: Comparison, national: NationalData) -> Table:
    """Children aged 10-17: the authority, its region and the nation, latest published."""
    counts = national.counts
    wanted = [
        c for c, role in comparison.roles.items() if role in ("authority", "region", "nation")
    ]
    rows = counts[(counts["measure"] == "population_10_17") & counts["area_code"].isin(wanted)]
    left_out = len(rows)
    rows = reported(rows, comparison.until)
    left_out -= len(rows)
    rows = rows.sort_values("period_end").groupby("area_code").tail(1)
    present = set(rows["area_code"])
    rows = rows.set_index("area_code").reindex([c for c in wanted if c in present])
    names = national.areas.set_index("code")["name"]
    data = pd.DataFrame(
        {
            "area_code": rows.index,
            "area_name": [names[c] for c in rows.index],
            "role": [comparison.roles[c] for c in rows.index],
            "measure": "population_10_17",
            "period_start": [_iso(v) for v in rows["period_start"]],
            "period_end": [_iso(v) for v in rows["period_end"]],
            "value": rows["value"].to_numpy(),
            "source": rows["source"].to_numpy(),
        }
    )
    view = pd.DataFrame(
        {
            "Area": data["area_name"],
            "Comparison group": data["role"].map(ROLE_LABELS),
            "Period": [period_label(*_dates(data.iloc[[i]])) for i in range(len(data))],
            "Children aged 10-17": [_count(v) for v in data["value"]],
        }
    )
    return Table(
        id="population_10_17",
        caption=f"Children aged 10 to 17, {comparison.authority_name}, its region and nation",
        data=data,
        view=view,
        numeric=("Children aged 10-17",),
        notes=(newer_note(comparison),) if left_out else (),
        empty=(
            "no population figure for a period before the plan year is in yjnb's national "
            f"data. {newer_note(comparison)}"
            if left_out
            else ""
        ),
        source="; ".join(sorted(set(data["source"].dropna()))),
        highlight=tuple(data["area_code"] == comparison.authority_code),
    )


def _iso(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()
