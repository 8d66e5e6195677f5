"""Disproportionality: each group's share of the cohort against its share of the population.

For ethnicity, sex, SEND and care status, the children of the cohort profile's year
(:mod:`yjnb.sections.cohort`, the same counts) are set against the children aged 10 to 17 of
population.csv. The **relative rate index** (RRI) of a group is its rate in the cohort
(children in the cohort per child in the population) divided by the rate of all other
children of that breakdown: 1 means as likely as other children to be in the cohort, 2
twice as likely. Its 95% confidence interval is exact, as cohorts are small: given the
a + b children of the breakdown in the cohort (a of the group's n children, b of the m
others), a is binomial with probability ``p = RRI·n / (RRI·n + m)``; the Clopper-Pearson
interval for p, turned back into ``RRI = p/(1 − p) · m/n``, is the exact conditional
interval for a ratio of two Poisson rates (Breslow and Day, 1987). Katz's log method,
``exp(ln RRI ± 1.96 × √(1/a − 1/n + 1/b − 1/m))``, is too narrow for counts this small:
for 12 of 2,597 Mixed children against 123 of 50,401 others it gives 1.05 to 3.42 and
reads "higher", where the exact interval is 0.95 to 3.43 and includes 1. A difference is
read as clear only when the interval excludes 1.

A group with fewer than :data:`MIN_CHILDREN` children in the cohort, or whose comparison
group has fewer, is reported as too small to say anything, not as a ratio. Children whose
group is not in population.csv (including "Not recorded") are left out of both sides. In
the public profile a ratio, share or reading built on a hidden count is hidden too.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pandas as pd
from scipy.special import betaincinv

from yjnb.errors import Problem
from yjnb.present.shown import percent, percent_text, with_percent
from yjnb.present.suppress import SUPPRESSED, Cells, Protected
from yjnb.present.tables import Table
from yjnb.sections.cohort import (
    ALL,
    TOTAL,
    CohortYears,
    cohort_counts,
    cohort_years,
    known_labels,
    shown_labels,
)
from yjnb.stats.indicators import limit_text

if TYPE_CHECKING:
    from yjnb.plan import Plan

MIN_CHILDREN = 5
METHOD_NOTE = (
    "Methods: the 95% confidence interval of a relative rate index is exact (the "
    "Clopper-Pearson interval for the group's share of the children in the cohort, given "
    "their number, turned into a ratio of rates; Breslow and Day), as the counts are small."
)
GROUP_TYPES: dict[str, str] = {
    "ethnicity": "Ethnicity",
    "sex": "Sex",
    "send": "SEND",
    "care_status": "Care status",
}
SUBJECTS: dict[str, str] = {
    "ethnicity": "Children in the '{group}' ethnic group",
    "sex": "{group} children",
    "send": "Children recorded as '{group}' for special educational needs",
    "care_status": "Children recorded as '{group}' for care status",
}
OTHERS = "other children aged 10 to 17 in the area"
SOURCE = "The service's case records (cohort.csv) and the 10-17 population (population.csv)"


def relative_rate(a: int, n: float, b: int, m: float) -> tuple[float, float, float] | None:
    """Relative rate index of a of n against b of m, with its 95% interval; None if a or b is 0.

    Parameters
    ----------
    a, n
        Children of the group in the cohort, and in the population.
    b, m
        The same for every other child of the breakdown.
    """
    if min(a, b) <= 0 or min(n, m) <= 0:
        return None
    total = a + b
    low, high = betaincinv(a, total - a + 1, 0.025), betaincinv(a + 1, total - a, 0.975)
    odds = m / n  # p / (1 - p) x m / n is the ratio of rates
    return (a / n) / (b / m), low / (1 - low) * odds, high / (1 - high) * odds


def _times(value: float) -> str:
    return limit_text(value, 2)


def reading(subject: str, ratio: float, lower: float, upper: float) -> str:
    """The plain-words reading of a relative rate index and its interval."""
    interval = f"95% confidence interval {_times(lower)} to {_times(upper)}"
    likely = f"{_times(ratio)} times as likely as {OTHERS} to be in the youth justice cohort"
    if lower > 1:
        return f"{subject} are {likely} ({interval})."
    if upper < 1:
        return f"{subject} are less likely to be in the cohort: {likely} ({interval})."
    subject = subject[0].lower() + subject[1:]
    return f"No clear difference: {subject} are {likely}, but the {interval} includes 1."


def disproportionality_table(plan: Plan) -> Protected:
    """Cohort against population by ethnicity, sex, SEND, care status: ``disproportionality``."""
    cohort = plan.local.cohort
    if cohort is None:
        raise ValueError("this authority has no cohort.csv")
    years = cohort_years(cohort, plan.config.year)
    population = plan.local.population
    shown = plan.workspace.shown(plan.workspace.local_file(plan.slug, "population.csv"))
    if population is None:  # the loader notes that the file is absent
        population = pd.DataFrame(columns=["group_type", "group", "population"])
    else:
        for group_type in GROUP_TYPES:
            if not (population["group_type"] == group_type).any():
                message = f"has no {group_type} groups, so there is no {group_type} comparison"
                plan.warn(Problem(shown, message, column="group_type", expected=group_type))
    draw = functools.partial(
        _draw,
        years=years,
        population=population,
        name=plan.config.name,
        illustrative=any(plan.config.is_illustrative(s) for s in ("cohort", "population")),
    )
    return Protected(cohort_counts(cohort, years), draw)


def _draw(
    frame: pd.DataFrame,
    years: CohortYears,
    population: pd.DataFrame,
    name: str,
    illustrative: bool,
) -> Table:
    cells = Cells(frame)
    rows, records = [], []
    for group_type, label in GROUP_TYPES.items():
        known = population[population["group_type"] == group_type]
        if known.empty:
            continue
        people = dict(zip(known["group"], known["population"].astype(float), strict=True))
        mine = frame[
            (frame["year"] == years.year)
            & (frame["measure"] == "children")
            & (frame["characteristic"] == group_type)
        ]
        outside = mine[~mine["group"].isin(people)]
        # Shares and ratios use the children with a group in population.csv; they reveal
        # that number, so they are shown only if everything left out of it is shown.
        whole = not outside["suppressed"].any() and not cells.hidden(
            (years.year, "children", ALL, TOTAL)
        )
        matched = int(mine.loc[mine["group"].isin(people), "count"].sum())
        everyone = sum(people.values())
        groups = list(people) + [g for g in mine["group"] if g not in people]
        known_groups = known_labels(group_type, population)
        names = shown_labels(frame[frame["year"] == years.year], group_type, known_groups)
        for group in groups:
            key = (years.year, "children", group_type, group)
            row, record = _group(cells, key, people.get(group), matched, everyone, whole)
            name_shown = names.get(group, group)
            rows.append({"Group": f"{label}: {name_shown}", **row})
            records.append(
                {"year": years.year, "group_type": group_type, "group": name_shown, **record}
            )
    view = pd.DataFrame(rows)
    return Table(
        id="disproportionality",
        caption=(
            f"Disproportionality: children in the youth justice cohort against children aged "
            f"10 to 17, {name}, {years.year}"
        ),
        data=pd.DataFrame(records, dtype=object),
        view=view,
        numeric=tuple(view.columns[1:4]) if not view.empty else (),
        notes=(
            "Relative rate index: the group's rate of being in the cohort divided by the rate "
            "of all other children of the same breakdown (1 = as likely). The difference is "
            "clear only where the 95% confidence interval does not include 1.",
            METHOD_NOTE,
            f"Groups with fewer than {MIN_CHILDREN} children in the cohort, or whose "
            f"comparison group has fewer, are too small to say anything.",
            "Shares of the cohort are of the children whose group is in the population "
            "figures; children not recorded are left out.",
        ),
        source=SOURCE,
        illustrative=illustrative,
    )


def _group(
    cells: Cells,
    key: tuple,
    people: float | None,
    matched: int,
    everyone: float,
    whole: bool,
) -> tuple[dict[str, str], dict[str, Any]]:
    group_type, group = key[2], key[3]
    count = cells.value(key) if key in cells else 0
    hidden = cells.hidden(key)
    count_text = SUPPRESSED if hidden else f"{count:,}"
    share = None if people is None else percent(count, matched)
    share_hidden = hidden or not whole
    population_text = (
        "no population figure"
        if people is None
        else with_percent(f"{people:,.0f}", percent_text(percent(int(people), int(everyone))))
    )
    row = {
        "Children in the cohort": with_percent(count_text, percent_text(share, share_hidden)),
        "Children aged 10-17 in the area": population_text,
    }
    record: dict[str, Any] = {
        "cohort_count": SUPPRESSED if hidden else count,
        "cohort_percent": SUPPRESSED
        if share_hidden
        else (None if share is None else float(share)),
        "population": people if people is None or people % 1 else int(people),
        "population_percent": None
        if people is None
        else float(percent(int(people), int(everyone))),
        "rri": None,
        "ci_lower": None,
        "ci_upper": None,
    }
    if people is None:
        row["Relative rate index (95% CI)"] = "—"
        row["Reading"] = "No population figure for this group, so no comparison."
        return row, {**record, "assessment": "no population figure"}
    if share_hidden:
        row["Relative rate index (95% CI)"] = SUPPRESSED
        row["Reading"] = "Not shown, to protect the children counted."
        return row, {**record, "rri": SUPPRESSED, "assessment": SUPPRESSED}
    rest = matched - count
    result = relative_rate(count, people, rest, everyone - people)
    if count < MIN_CHILDREN or rest < MIN_CHILDREN or result is None:
        row["Relative rate index (95% CI)"] = "too few children to say"
        row["Reading"] = (
            "Too few children to say whether this group is over- or under-represented."
        )
        return row, {**record, "assessment": "too few children to say"}
    ratio, lower, upper = result
    subject = SUBJECTS[group_type].format(group=group)
    subject = subject[0].upper() + subject[1:]
    row["Relative rate index (95% CI)"] = f"{_times(ratio)} ({_times(lower)} to {_times(upper)})"
    row["Reading"] = reading(subject, ratio, lower, upper)
    assessment = "higher" if lower > 1 else ("lower" if upper < 1 else "no clear difference")
    return row, {
        **record,
        "rri": round(ratio, 3),
        "ci_lower": round(lower, 3),
        "ci_upper": round(upper, 3),
        "assessment": assessment,
    }


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
