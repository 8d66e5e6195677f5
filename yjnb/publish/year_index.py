"""The year's index: every authority built, links to its pages, comparisons across them.

The comparison tables read what each authority published for the public: its
``public/tables/indicators.csv`` (first time entrants, reoffending and custody, latest period,
with 95% intervals) and its ``public/tables/kpi_*.csv`` headline figures, so nothing the
public profile withholds reaches the index. Every table is given twice over: services from
A to Z, and each measure sorted by its value, so no script is needed to read them either way.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from yjnb.inputs.config import PROFILES
from yjnb.inputs.periods import parse_quarter, period_label
from yjnb.inputs.schemas import HEADLINE_CATEGORIES, KPIS
from yjnb.paths import manifests
from yjnb.present.tables import ILLUSTRATIVE_COLUMN, ILLUSTRATIVE_VALUES, Table, restore_formula
from yjnb.sections.comparisons import MEASURE_LABELS, interval_note, shown_value
from yjnb.stats.indicators import INDICATORS, format_limit
from yjnb.symbols import NOT_AVAILABLE

HEADLINE_INDICATORS = ("fte_rate", "reoffending_rate", "custody_rate")
INDICATOR_FIELDS = [
    "area_code", "area_name", "indicator", "period_start", "period_end", "numerator",
    "denominator", "value", "unit", "ci_lower", "ci_upper",
]  # fmt: skip
KPI_FIELDS = ["period", "kpi", "cohort", "measure", "category", "count", "percent"]
# How a row from an illustrative table is marked, and what the mark means.
ILLUSTRATIVE_MARK = " (illustrative)"
ILLUSTRATIVE_ROWS_NOTE = (
    "Rows marked (illustrative): figures invented to demonstrate the plan, not that "
    "service's data. Compare them with nothing."
)
KPI_TOTAL = "total"  # children counted for the measure, where a KPI table gives it
KPI_LABELS = {
    "accommodation": "Accommodation",
    "ete": "Education, training and employment",
    "send": "Special educational needs and disabilities",
    "mental_health": "Mental health",
    "substance_misuse": "Substance misuse",
    "oocd": "Out-of-court disposals",
}
# What the headline category of each measure says (HEADLINE_CATEGORIES' first category).
HEADLINE_WORDS = {
    "suitability": "suitable",
    "identified_need": "need identified",
    "referred": "referred",
    "attended": "attended",
    "formal_plan": "formal plan in place",
    "outcome": "completed",
}
_NATION_CODE = re.compile(r"^[EWSN]92")  # ONS codes of the four nations
INDICATOR_SOURCE = (
    "Each service's published indicators table (public version), from Youth Justice "
    "Board and Ministry of Justice statistics."
)
KPI_SOURCE = "Each service's key performance indicator returns to the Youth Justice Board."


@dataclass(frozen=True)
class Built:
    """One authority built for the year, as its manifest describes it."""

    slug: str
    name: str
    area_code: str | None
    profiles: tuple[str, ...]
    folder: Path
    draft: tuple[str, ...] = ()  # what the plan still lacks (yjnb/inputs/draft.py)

    def public_tables(self) -> Path | None:
        """Its public tables folder, if the public profile was built."""
        folder = self.folder / "public" / "tables"
        return folder if "public" in self.profiles and folder.is_dir() else None


def built_authorities(year_dir: Path) -> list[Built]:
    """Every authority with a manifest in the year's folder, by name then slug.

    A hidden folder (a build being swapped in or out) is never an authority.
    """
    found = []
    for manifest_path in manifests(year_dir):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        folder = manifest_path.parent
        profiles = tuple(p for p in PROFILES if (folder / p / "plan.html").exists())
        draft = tuple(manifest.get("draft") or ())
        found.append(
            Built(
                folder.name, manifest["name"], manifest.get("area_code"), profiles, folder, draft
            )
        )
    return sorted(found, key=lambda b: (b.name.casefold(), b.slug))


# -- first time entrants, reoffending, custody ----------------------------------------------
def latest_indicators(built: list[Built]) -> pd.DataFrame:
    """Each service's latest published figure for each headline indicator, then the nations'.

    Returns the indicators.csv columns plus ``service`` and ``slug`` (empty for a nation).
    """
    rows, nations = [], []
    for authority in built:
        folder = authority.public_tables()
        if folder is None or not (folder / "indicators.csv").exists():
            continue
        records = _records(folder / "indicators.csv")
        data = [r for r in records if r["indicator"] in HEADLINE_INDICATORS]
        for row in _latest(_own_rows(data, authority), ("indicator",), _period_end):
            rows.append({"service": authority.name, "slug": authority.slug, **row})
        for row in _latest(filter(_is_nation, data), ("area_code", "indicator"), _period_end):
            nations.append({"service": row["area_name"], "slug": "", **row})
    columns = ["service", "slug", *INDICATOR_FIELDS, "basis"]  # basis: how a value is shown
    frame = pd.DataFrame(rows, columns=columns)
    nation_frame = pd.DataFrame(nations, columns=columns)
    # The latest nation figure any service published, once per nation and indicator.
    nation_frame = nation_frame.sort_values(
        ["area_code", "indicator", "period_end"]
    ).drop_duplicates(["area_code", "indicator"], keep="last")
    return pd.concat([frame, nation_frame], ignore_index=True) if len(frame) else frame


def _records(path: Path) -> list[dict[str, str]]:
    """A published CSV's rows as text, a missing cell as an empty string.

    Each cell as it was before the CSV guarded it against formulas.
    """
    with open(path, encoding="utf-8", newline="") as f:
        return [
            {restore_formula(k): restore_formula(v) for k, v in row.items()}
            for row in csv.DictReader(f, restval="")
        ]


def _latest(
    records: Iterable[dict[str, str]], by: tuple[str, ...], when: Callable[[dict], str]
) -> list[dict[str, str]]:
    """The latest record of each group (the last written, of equals), groups as first seen."""
    found: dict[tuple, tuple[str, dict[str, str]]] = {}
    for record in records:
        key, end = tuple(record[k] for k in by), when(record)
        if key not in found or end >= found[key][0]:
            found[key] = (end, record)
    return [record for _, record in found.values()]


def _period_end(record: dict[str, str]) -> str:
    return record["period_end"]


def _own_rows(data: list[dict[str, str]], authority: Built) -> list[dict[str, str]]:
    if authority.area_code:
        return [r for r in data if r["area_code"] == authority.area_code]
    return [r for r in data if r.get("role") == "authority"]


def _is_nation(record: dict[str, str]) -> bool:
    for column in ("area_type", "role"):
        if column in record:
            return record[column] == "nation"
    return bool(_NATION_CODE.match(record["area_code"]))


def indicator_tables(latest: pd.DataFrame) -> list[Table]:
    """The A-to-Z summary of every headline indicator, then one table each by value."""
    if latest.empty:
        return []
    keys = [k for k in HEADLINE_INDICATORS if k in set(latest["indicator"])]
    services = latest[latest["slug"] != ""]
    nations = latest[latest["slug"] == ""]
    return [_indicator_summary(services, nations, keys)] + [
        _indicator_ranking(key, services, nations) for key in keys
    ]


def _header(key: str) -> str:
    ind = INDICATORS[key]
    return f"{ind.label} ({ind.unit})" if ind.unit != "%" else f"{ind.label} (%)"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _value(key: str, row: pd.Series) -> str:
    """A figure exactly as the plan pages show it (a published 131 as 131, not 131.0).

    A symbol such as [c] is shown as published.
    """
    number = _number(row["value"])
    if number is None:
        return row["value"] or NOT_AVAILABLE
    return shown_value(key, number, row.get("basis") or "")


def _interval(key: str, row: pd.Series) -> str:
    if _number(row["ci_lower"]) is None or _number(row["ci_upper"]) is None:
        return NOT_AVAILABLE
    lower, upper = _number(row["ci_lower"]), _number(row["ci_upper"])
    return f"{format_limit(key, lower)} to {format_limit(key, upper)}"


def _has_interval(frame: pd.DataFrame) -> bool:
    return any(_number(v) is not None for v in frame["ci_lower"])


def _count(text: str) -> str:
    number = _number(text)
    return f"{round(number):,}" if number is not None else (text or NOT_AVAILABLE)


def _period(row: pd.Series) -> str:
    try:
        return period_label(
            datetime.date.fromisoformat(row["period_start"]),
            datetime.date.fromisoformat(row["period_end"]),
        )
    except (TypeError, ValueError):
        return f"{row['period_start']} to {row['period_end']}"


def _periods_note(frame: pd.DataFrame, keys: list[str]) -> str:
    parts = []
    for key in keys:
        periods = sorted({_period(r) for _, r in frame[frame["indicator"] == key].iterrows()})
        label = INDICATORS[key].label.lower()
        shown = periods[0] if len(periods) == 1 else "differs between services (see below)"
        parts.append(f"{label} {shown}")
    return "Latest period published: " + "; ".join(parts) + "."


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["service", *INDICATOR_FIELDS]].reset_index(drop=True)


def _indicator_summary(services: pd.DataFrame, nations: pd.DataFrame, keys: list[str]) -> Table:
    names = sorted(set(services["service"]), key=str.casefold)
    nation_names = list(dict.fromkeys(nations["service"]))
    view_rows = []
    services_first = {}
    for frame in (services, nations):
        for _, record in frame.iterrows():
            services_first.setdefault((record["service"], record["indicator"]), record)
    for name in names + nation_names:
        row: dict[str, str] = {"Service": name}
        for key in keys:
            found = services_first.get((name, key))
            short = INDICATORS[key].label
            value = _value(key, found) if found is not None else NOT_AVAILABLE
            row[_header(key)] = value
            row[f"{short}: 95% confidence interval"] = (
                _interval(key, found) if found is not None else NOT_AVAILABLE
            )
        view_rows.append(row)
    view = pd.DataFrame(view_rows)
    data = pd.concat([services, nations]).sort_values(
        ["indicator", "service"], key=lambda s: s.str.casefold()
    )
    notes = [_periods_note(services, keys)]
    with_intervals = [k for k in keys if _has_interval(services[services["indicator"] == k])]
    if with_intervals:
        notes.append(interval_note(with_intervals))
    if nation_names:
        notes.append(f"{' and '.join(nation_names)}: shown last, for reference.")
    return Table(
        id="services_indicators",
        caption="First time entrants, reoffending and custody: every service, A to Z",
        data=_tidy(data),
        view=view,
        numeric=tuple(c for c in view.columns if c != "Service"),
        notes=tuple(notes),
        source=INDICATOR_SOURCE,
    )


def _indicator_ranking(key: str, services: pd.DataFrame, nations: pd.DataFrame) -> Table:
    ind = INDICATORS[key]
    ranked = services[services["indicator"] == key]
    ranked = ranked.assign(_value=ranked["value"].map(_number)).sort_values(
        ["_value", "service"], na_position="last", kind="stable"
    )
    reference = nations[nations["indicator"] == key]
    both = pd.concat([ranked, reference])
    numerator = MEASURE_LABELS.get(ind.numerator, ind.numerator)
    denominator = MEASURE_LABELS.get(ind.denominator, ind.denominator)
    view = pd.DataFrame(
        {
            "Service": both["service"],
            "Period": [_period(r) for _, r in both.iterrows()],
            _header(key): [_value(key, r) for _, r in both.iterrows()],
            "95% confidence interval": [_interval(key, r) for _, r in both.iterrows()],
            numerator: [_count(v) for v in both["numerator"]],
            denominator: [_count(v) for v in both["denominator"]],
        }
    ).reset_index(drop=True)
    notes = [f"Services sorted from the lowest {ind.label.lower()} to the highest."]
    if len(reference):
        notes.append(f"{' and '.join(reference['service'])}: shown last, for reference.")
    notes.append(
        "Where two services' intervals overlap, the difference between them may be due to chance."
    )
    if _has_interval(both):
        notes.append(interval_note([key]))
    return Table(
        id=f"latest_{key}",
        caption=f"{ind.label}, latest period: services from lowest to highest",
        data=_tidy(both),
        view=view,
        numeric=(_header(key), "95% confidence interval", numerator, denominator),
        notes=tuple(notes),
        source=INDICATOR_SOURCE,
    )


# -- key performance indicators ---------------------------------------------------------------
def latest_kpis(built: list[Built]) -> pd.DataFrame:
    """Each service's latest headline KPI figures, from its public kpi_<kpi>.csv tables.

    A headline is the first category of a measure in ``HEADLINE_CATEGORIES`` (for example
    the share of children in suitable accommodation), for all children.
    """
    rows = []
    for authority in built:
        folder = authority.public_tables()
        if folder is None:
            continue
        for path in (folder / f"kpi_{kpi}.csv" for kpi in KPIS):
            if not path.exists():
                continue
            data = _records(path)
            if not data or not set(KPI_FIELDS) <= set(data[0]):
                continue
            headlines = (
                r
                for r in data
                if r["cohort"] == "all"
                and r["category"] == HEADLINE_CATEGORIES.get(r["measure"], ("",))[0]
            )
            for row in _latest(headlines, ("kpi", "measure"), _kpi_quarter_end):
                rows.append(
                    {"service": authority.name, "slug": authority.slug}
                    | {f: row.get(f, "") for f in (*KPI_FIELDS, KPI_TOTAL)}
                    | {ILLUSTRATIVE_COLUMN: _flag(row)}
                )
    columns = ["service", "slug", *KPI_FIELDS, KPI_TOTAL, ILLUSTRATIVE_COLUMN]
    return pd.DataFrame(rows, columns=columns)


def _flag(record: dict[str, str]) -> str:
    """A published row's ``illustrative`` cell as the CSVs write it (``false`` if absent)."""
    return ILLUSTRATIVE_VALUES[record.get(ILLUSTRATIVE_COLUMN, "") == ILLUSTRATIVE_VALUES[True]]


def illustrative_services(tables: list[Table]) -> list[str]:
    """The services any of whose rows in these comparison tables are illustrative, A to Z."""
    names = {
        service
        for table in tables
        if {"service", ILLUSTRATIVE_COLUMN} <= set(table.data.columns)
        for service, flag in zip(
            table.data["service"], table.data[ILLUSTRATIVE_COLUMN], strict=True
        )
        if flag == ILLUSTRATIVE_VALUES[True]
    }
    return sorted(names, key=str.casefold)


def _marked(name: str, illustrative: bool) -> str:
    return name + ILLUSTRATIVE_MARK if illustrative else name


def _kpi_quarter_end(record: dict[str, str]) -> str:
    return _quarter_end(record["period"])


def _quarter_end(label: str) -> str:
    try:
        return parse_quarter(label)[1].isoformat()
    except ValueError:  # a year ('2023-24') or any other period form sorts as written
        return label


def _kpi_label(kpi: str, measure: str, category: str) -> str:
    name = KPI_LABELS.get(kpi, kpi.replace("_", " ").capitalize())
    words = HEADLINE_WORDS.get(measure, f"{measure.replace('_', ' ')} {category.lower()}")
    return f"{name}: {words}"


def _percent(text: str) -> str:
    try:
        return f"{float(text):.1f}"
    except ValueError:
        return text or NOT_AVAILABLE


def kpi_tables(latest: pd.DataFrame) -> list[Table]:
    """The A-to-Z summary of headline KPIs, then one table each, highest share first."""
    if latest.empty:
        return []
    columns = zip(latest["kpi"], latest["measure"], latest["category"], strict=True)
    headlines = list(dict.fromkeys(columns))
    names = sorted(set(latest["service"]), key=str.casefold)
    percents: dict[tuple[str, str, str], str] = {}
    for service, kpi, measure, percent in zip(
        latest["service"], latest["kpi"], latest["measure"], latest["percent"], strict=True
    ):
        percents.setdefault((service, kpi, measure), percent)
    marked = set(latest.loc[latest[ILLUSTRATIVE_COLUMN] == ILLUSTRATIVE_VALUES[True], "service"])
    view_rows = []
    for name in names:
        row = {"Service": _marked(name, name in marked)}
        for kpi, measure, category in headlines:
            label = f"{_kpi_label(kpi, measure, category)} (%)"
            found = percents.get((name, kpi, measure))
            row[label] = NOT_AVAILABLE if found is None else _percent(found)
        view_rows.append(row)
    view = pd.DataFrame(view_rows)
    periods = sorted(set(latest["period"]))
    tidy = latest[["service", *KPI_FIELDS, KPI_TOTAL, ILLUSTRATIVE_COLUMN]].sort_values(
        ["kpi", "measure", "service"], key=lambda s: s.str.casefold()
    )
    tables = [
        Table(
            id="services_kpis",
            caption="Headline key performance indicators: every service, A to Z",
            data=tidy.reset_index(drop=True),
            view=view,
            numeric=tuple(c for c in view.columns if c != "Service"),
            notes=(
                *([ILLUSTRATIVE_ROWS_NOTE] if marked else []),
                "Percentages of the children counted for each measure, latest quarter: "
                + ", ".join(periods)
                + ".",
            ),
            source=KPI_SOURCE,
        )
    ]
    for kpi, measure, category in headlines:
        part = latest[(latest["kpi"] == kpi) & (latest["measure"] == measure)]
        part = part.assign(_share=part["percent"].map(_number)).sort_values(
            ["_share", "service"], ascending=[False, True], na_position="last", kind="stable"
        )
        label = _kpi_label(kpi, measure, category)
        flags = part[ILLUSTRATIVE_COLUMN] == ILLUSTRATIVE_VALUES[True]
        view = {
            "Service": [_marked(n, f) for n, f in zip(part["service"], flags, strict=True)],
            "Period": part["period"],
            "Children": [c or NOT_AVAILABLE for c in part["count"]],
            "Children counted": [t or NOT_AVAILABLE for t in part[KPI_TOTAL]],
            "Percentage": [_percent(p) for p in part["percent"]],
        }
        if not any(part[KPI_TOTAL]):
            del view["Children counted"]
        tables.append(
            Table(
                id=f"kpi_{kpi}_{measure}",
                caption=f"{label}: services from highest to lowest percentage",
                data=part[["service", *KPI_FIELDS, KPI_TOTAL, ILLUSTRATIVE_COLUMN]].reset_index(
                    drop=True
                ),
                view=pd.DataFrame(view).reset_index(drop=True),
                numeric=("Children", "Children counted", "Percentage"),
                notes=(
                    *([ILLUSTRATIVE_ROWS_NOTE] if flags.any() else []),
                    "Services sorted from the highest percentage to the lowest.",
                ),
                source=KPI_SOURCE,
            )
        )
    return tables
