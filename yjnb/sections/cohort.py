"""The cohort profile from cohort.csv: children and disposals by characteristic, by year.

cohort.csv has one row per child per disposal; nothing from it is ever published row by
row. A disposal belongs to the financial year it ended in (or began in, while still open).
A child is counted once a year, with the characteristics of their latest disposal that
year (age at its start, its type, tier and offence group), so every characteristic's
groups add up to the year's children. Disposals are counted one by one.

All figures come from :func:`cohort_counts`, with the sums that tie them (each
characteristic adds up to the year's total) and the bound that children in a group are no
more than the disposals in it; the public profile's disclosure control uses both. The
disproportionality table (:mod:`yjnb.sections.disproportionality`) reads the same counts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from yjnb.errors import Problem
from yjnb.inputs.periods import financial_year_label, parse_financial_year
from yjnb.inputs.schemas import is_unknown
from yjnb.paths import PACKAGE_DIR
from yjnb.present.shown import NOT_REPORTED, change_words, percent, percent_text, with_percent
from yjnb.present.suppress import SUPPRESSED, Cells, Counts, CountsBuilder, Protected
from yjnb.present.tables import Table
from yjnb.stats.rounding import half_up

if TYPE_CHECKING:
    from yjnb.plan import Plan

TOTAL = "Total"
ALL = "all"
NOT_RECORDED = "Not recorded"
OTHER_TIER = "Other or not known"
KEY = ("year", "measure", "characteristic", "group")
MEASURES = ("children", "disposals")
SOURCE = "The service's case records of children and disposals (cohort.csv), counted"
CHARACTERISTICS: dict[str, str] = {
    "sex": "Sex",
    "age": "Age at the start of the disposal",
    "ethnicity": "Ethnicity",
    "send": "Special educational needs (SEND)",
    "care_status": "Care status",
    "tier": "Tier of disposal",
    "disposal_type": "Type of disposal",
    "offence_group": "Offence group",
}


@cache
def _vocabulary() -> dict[str, Any]:
    return yaml.safe_load((PACKAGE_DIR / "cohort.yaml").read_text(encoding="utf-8"))


def disposal_tiers() -> dict[str, str]:
    """Disposal type to tier, from yjnb/cohort.yaml."""
    return {kind: tier for tier, kinds in _vocabulary()["tiers"].items() for kind in kinds}


def known_labels(characteristic: str, population: pd.DataFrame | None = None) -> set[str]:
    """Group labels that are not free text: listed in yjnb/cohort.yaml or population.csv."""
    known = {NOT_RECORDED, OTHER_TIER, *tier_order()}
    known |= set(disposal_tiers()) | set(_vocabulary()["offence_groups"])
    if population is not None:
        known |= set(population.loc[population["group_type"] == characteristic, "group"])
    if characteristic == "age":
        known |= {str(age) for age in range(0, 26)}
    return known


def shown_labels(frame: pd.DataFrame, characteristic: str, known: set[str]) -> dict[str, str]:
    """Each group's label as shown.

    A label that is not known and all of whose counts are hidden may be free text about a
    child: it is replaced by "Other group 1", "Other group 2"... An unknown category
    ("Unknown", "Not known", "Not recorded") names no one and keeps its name.
    """
    mine = frame[frame["characteristic"] == characteristic]
    labels, unnamed = {}, 0
    for group, part in mine.groupby("group", sort=False):
        if group in known or is_unknown(group) or not part["suppressed"].all():
            labels[group] = group
        else:
            unnamed += 1
            labels[group] = f"Other group {unnamed} (name not shown)"
    return labels


def tier_order() -> list[str]:
    """Tiers from lowest to highest, then the tier of unlisted types."""
    return [*dict.fromkeys(disposal_tiers().values()), OTHER_TIER]


@dataclass(frozen=True)
class CohortYears:
    """The year profiled and the year before it, where cohort.csv has one."""

    year: str
    previous: str | None


def _years(cohort: pd.DataFrame) -> pd.Series:
    ends = cohort["disposal_end"].fillna(cohort["disposal_start"])
    starts = ends.dt.year.where(ends.dt.month >= 4, ends.dt.year - 1)
    return starts.map(lambda y: financial_year_label(int(y)) if pd.notna(y) else None)


def cohort_years(cohort: pd.DataFrame, plan_year: str) -> CohortYears:
    """The year before the plan year if cohort.csv has it, else its latest year."""
    start = parse_financial_year(plan_year)[0].year
    wanted = financial_year_label(start - 1)
    present = sorted(set(_years(cohort).dropna()))
    year = wanted if wanted in present or not present else present[-1]
    before = financial_year_label(int(year[:4]) - 1)
    return CohortYears(year, before if before in present else None)


def cohort_records(cohort: pd.DataFrame) -> pd.DataFrame:
    """Disposals with their year and tier, blanks as 'Not recorded' (never published)."""
    tiers = disposal_tiers()
    frame = cohort.assign(
        year=_years(cohort),
        tier=cohort["disposal_type"].map(lambda t: tiers.get(t, OTHER_TIER)),
        age=cohort["age"].astype("string"),
        order=range(len(cohort)),
    )
    for column in CHARACTERISTICS:
        frame[column] = frame[column].astype("string").fillna(NOT_RECORDED)
    return frame


def _children(frame: pd.DataFrame) -> pd.DataFrame:
    """Each child once per year: their latest disposal that year."""
    latest = frame.sort_values(["disposal_end", "disposal_start", "order"], na_position="last")
    return latest.drop_duplicates(["year", "child_ref"], keep="last")


def cohort_counts(cohort: pd.DataFrame, years: CohortYears) -> Counts:
    """Children and disposals by characteristic for the year (and the year before)."""
    frame = cohort_records(cohort)
    builder = CountsBuilder(KEY)
    for year in [y for y in (years.year, years.previous) if y]:
        rows = {"disposals": frame[frame["year"] == year]}
        rows["children"] = _children(rows["disposals"])
        for measure in MEASURES:
            total = (year, measure, ALL, TOTAL)
            builder.add(total, len(rows[measure]))
            for characteristic in CHARACTERISTICS:
                counts = rows[measure][characteristic].value_counts()
                keys = [(year, measure, characteristic, g) for g in _order(characteristic, counts)]
                for key in keys:
                    builder.add(key, int(counts[key[-1]]))
                builder.add_sum(total, keys)
            # A tier is the sum of its disposal types: readers can add them up too.
            types = rows[measure].groupby("tier")["disposal_type"].unique()
            for tier, kinds in types.items():
                parts = [(year, measure, "disposal_type", kind) for kind in kinds]
                builder.add_sum((year, measure, "tier", tier), parts)
        for key in [k for k in builder.keys() if k[0] == year and k[1] == "children"]:
            builder.add_at_most(key, (year, "disposals", *key[2:]))
    return builder.build()


def _order(characteristic: str, counts: pd.Series) -> list[str]:
    groups = list(counts.index)
    if characteristic == "age":
        return sorted(groups, key=lambda g: (not g.isdigit(), int(g) if g.isdigit() else 0, g))
    if characteristic == "tier":
        return [t for t in tier_order() if t in groups]
    named = sorted((g for g in groups if g != NOT_RECORDED), key=lambda g: (-counts[g], g))
    return named + ([NOT_RECORDED] if NOT_RECORDED in groups else [])


def average_age(cohort: pd.DataFrame, year: str) -> Decimal | None:
    """Mean age of the year's children at their latest disposal, to one decimal place."""
    frame = cohort_records(cohort)
    ages = pd.to_numeric(_children(frame[frame["year"] == year])["age"], errors="coerce")
    ages = ages.dropna()
    if ages.empty:
        return None
    exact = Decimal(int(ages.sum())) / Decimal(len(ages))
    return half_up(exact, 1)


def unlisted_disposal_types(plan: Plan) -> list[str]:
    """Disposal types in cohort.csv that yjnb/cohort.yaml does not place in a tier.

    An unknown category ("Not known", "Unknown", "Not recorded") is not reported: its tier
    is shown as 'Other or not known', which is what it is.
    """
    cohort = plan.local.cohort
    if cohort is None:
        return []
    types = cohort["disposal_type"].dropna()
    return sorted({t for t in types if not is_unknown(t)} - set(disposal_tiers()))


# --- tables ----------------------------------------------------------------------------------


def _plan_cohort(plan: Plan) -> tuple[pd.DataFrame, CohortYears]:
    cohort = plan.local.cohort
    if cohort is None:
        raise ValueError("this authority has no cohort.csv")
    unlisted = unlisted_disposal_types(plan)
    if unlisted:
        shown = plan.workspace.shown(plan.workspace.local_file(plan.slug, "cohort.csv"))
        message = (
            f"{len(unlisted)} disposal type(s) are not in yjnb/cohort.yaml, so their tier "
            f"is shown as '{OTHER_TIER}'"
        )
        plan.warn(Problem(shown, message, column="disposal_type", expected="a listed type"))
    return cohort, cohort_years(cohort, plan.config.year)


def cohort_summary(plan: Plan) -> Protected:
    """Children, disposals and average age for the year, and the year before if there is one."""
    cohort, years = _plan_cohort(plan)
    ages = {y: average_age(cohort, y) for y in (years.year, years.previous) if y}
    draw = functools.partial(
        _draw_summary,
        years=years,
        ages=ages,
        name=plan.config.name,
        illustrative=_illustrative(plan),
    )
    return Protected(cohort_counts(cohort, years), draw)


def _illustrative(plan: Plan) -> bool:
    return plan.config.is_illustrative("cohort")


def _age_shown(cells: Cells, frame: pd.DataFrame, year: str) -> bool:
    # The average of the ages, with the count by age, would reveal a hidden age count.
    ages = frame[(frame["year"] == year) & (frame["characteristic"] == "age")]
    return not ages["suppressed"].any() and not cells.hidden((year, "children", ALL, TOTAL))


def _draw_summary(
    frame: pd.DataFrame,
    years: CohortYears,
    ages: dict[str, Decimal | None],
    name: str,
    illustrative: bool,
) -> Table:
    cells = Cells(frame)
    present = [y for y in (years.year, years.previous) if y]
    rows, records = [], []
    for measure, label in (("children", "Children"), ("disposals", "Disposals")):
        row = {"Figure": label}
        for year in present:
            key = (year, measure, ALL, TOTAL)
            row[year] = cells.text(key)
            records.append({"year": year, "figure": measure, "value": cells.csv(key)})
        if years.previous:
            now, before = (cells.value((y, measure, ALL, TOTAL)) for y in present)
            hidden = any(cells.hidden((y, measure, ALL, TOTAL)) for y in present)
            row["Change"] = SUPPRESSED if hidden else change_words(now, before)
            records[-2]["change"] = SUPPRESSED if hidden else now - before
            records[-2]["change_in_words"] = row["Change"]
        rows.append(row)
    row = {"Figure": "Average age of the children (years)"}
    for year in present:
        shown = _age_shown(cells, frame, year)
        value = ages.get(year)
        row[year] = SUPPRESSED if not shown else (NOT_REPORTED if value is None else str(value))
        records.append(
            {"year": year, "figure": "average_age", "value": float(value) if shown and value
             is not None else (SUPPRESSED if not shown else None)}
        )  # fmt: skip
    if years.previous:
        shown = all(_age_shown(cells, frame, y) for y in present)
        now, before = (ages.get(y) for y in present)
        row["Change"] = change_words(now, before, " years") if shown else SUPPRESSED
        difference = None if now is None or before is None else float(now - before)
        records[-2]["change"] = difference if shown else SUPPRESSED
        records[-2]["change_in_words"] = row["Change"]
    rows.append(row)
    view = pd.DataFrame(rows)
    return Table(
        id="cohort_summary",
        caption=f"Children and disposals in the youth justice cohort: {name}, {years.year}",
        data=pd.DataFrame(records, dtype=object),
        view=view,
        numeric=tuple(view.columns[1:]),
        notes=(
            "Children whose disposal (out-of-court or court) ended in the year, each counted "
            "once; average age is at the start of their latest disposal.",
        ),
        source=SOURCE,
        illustrative=illustrative,
    )


def cohort_profile(plan: Plan) -> Protected:
    """Children and disposals by each characteristic, with shares and year-on-year change."""
    cohort, years = _plan_cohort(plan)
    draw = functools.partial(
        _draw_profile,
        years=years,
        known={c: known_labels(c, plan.local.population) for c in CHARACTERISTICS},
        name=plan.config.name,
        illustrative=_illustrative(plan),
    )
    return Protected(cohort_counts(cohort, years), draw)


def _figure(cells: Cells, year: str | None, measure: str, key: tuple) -> dict[str, Any]:
    count_key, total_key = (year, measure, *key), (year, measure, ALL, TOTAL)
    hidden = cells.hidden(count_key) or cells.hidden(total_key)
    share = percent(cells.value(count_key), cells.value(total_key))
    return {
        "text": with_percent(cells.text(count_key), percent_text(share, hidden)),
        "count": cells.csv(count_key),
        "value": cells.value(count_key),
        "hidden": cells.hidden(count_key),
        "percent": SUPPRESSED if hidden else (None if share is None else float(share)),
        "present": count_key in cells,
    }


def _draw_profile(
    frame: pd.DataFrame,
    years: CohortYears,
    known: dict[str, set[str]],
    name: str,
    illustrative: bool,
) -> Table:
    cells = Cells(frame)
    labels = {c: shown_labels(frame, c, known[c]) for c in CHARACTERISTICS}
    groups = frame[frame["characteristic"] != ALL]
    order = dict.fromkeys(zip(groups["characteristic"], groups["group"], strict=True))
    ordered = sorted(order, key=lambda k: list(CHARACTERISTICS).index(k[0]))
    rows, records = [], []
    for characteristic, group in ordered:
        label = labels[characteristic][group]
        row = {"Characteristic": f"{CHARACTERISTICS[characteristic]}: {label}"}
        for measure in MEASURES:
            now = _figure(cells, years.year, measure, (characteristic, group))
            row[f"{measure.capitalize()}, {years.year}"] = now["text"] if now["present"] else "0"
            record = {
                "year": years.year,
                "measure": measure,
                "characteristic": characteristic,
                "group": label,
                "count": now["count"] if now["present"] else 0,
                "percent": now["percent"],
            }
            if years.previous:
                before = _figure(cells, years.previous, measure, (characteristic, group))
                row[f"{measure.capitalize()}, {years.previous}"] = (
                    before["text"] if before["present"] else "0"
                )
                hidden = now["hidden"] or before["hidden"]
                was = before["value"] if before["present"] else 0
                is_now = now["value"] if now["present"] else 0
                change = SUPPRESSED if hidden else change_words(is_now, was)
                row[f"Change in {measure}"] = change
                record.update(
                    previous_year=years.previous,
                    previous_count=before["count"] if before["present"] else 0,
                    change=SUPPRESSED if hidden else is_now - was,
                )
            records.append(record)
        rows.append(row)
    view = pd.DataFrame(rows)
    return Table(
        id="cohort_profile",
        caption=f"Profile of the youth justice cohort: {name}, {years.year}",
        data=pd.DataFrame(records, dtype=object),
        view=view,
        numeric=tuple(view.columns[1:]),
        notes=(
            "Percentages are of the year's children or disposals. A child is described by "
            "their latest disposal in the year; a child with several disposals counts once "
            "among children and once for each disposal.",
        ),
        source=SOURCE,
        illustrative=illustrative,
    )
