"""Checks across the rows of kpis.csv: totals, funnels, cohorts and categories over quarters.

Called by :mod:`yjnb.inputs.load` on the file's cells as written (strings, indexed by spreadsheet
row), after the cell rules. Real returns are not always consistent, and a service publishes
its figures as they are: so where the figures disagree with one another, the tables show
them as given, each measure's percentages of its own total (shown with it), and the
disagreement is reported once, as a data-quality note (a warning: the board's data notes,
the manifest and ``yjnb validate``; ``--strict`` fails on it). Each names the row and column.

errors (the file cannot be read as meant)
    - a category written differently in different rows of one measure ("Foster care" and
      "foster care"), which would split one series in two.
notes (warnings: the figures are shown as given)
    - a ``Total`` row that is not the sum of its measure's other rows: the categories are
      shown with their own sum;
    - measures that do not add up to the children they count: the accommodation, ETE type
      and hours measures to their ``suitability`` total, ``referred`` to the children with
      an identified need, ``attended`` to those referred, out-of-court disposal types to
      the outcomes (schemas.MEASURE_BASES); one note for each quarter's base measure;
    - ETE counts for all children that are not the statutory school age and post-16 counts
      added together; one note for each quarter's measure;
    - a ``Total`` row for a measure where a child can be counted more than once: it cannot
      be checked, and is left out;
    - a category present in some quarters of a measure but missing from others: shown as
      not reported there (a zero should be entered as 0); one note for each category.
      Not for the unknown categories (schemas.UNKNOWN_CATEGORIES), which a return lists
      only when it has some.
"""

from __future__ import annotations

import re

import pandas as pd

from yjnb.errors import Problem, in_words
from yjnb.inputs.schemas import (
    COHORT_PARTS,
    EXCLUSIVE_MEASURES,
    HEADLINE_CATEGORIES,
    KPI_COHORTS,
    KPI_MEASURES,
    MEASURE_BASES,
    TOTAL_CATEGORY,
    is_unknown,
    numbers,
)

_GROUP = ["period", "kpi", "cohort", "measure"]


def is_total_text(category: object) -> bool:
    """Whether one category cell, as written, is a stated total (``Total``, in any case)."""
    return isinstance(category, str) and category.strip().casefold() == TOTAL_CATEGORY.casefold()


def is_total(category: pd.Series) -> pd.Series:
    """Rows whose category is a stated total (:func:`is_total_text` for each cell)."""
    return category.map(is_total_text).astype(bool)


def _rows(rows: pd.Index) -> str:
    listed = [str(r) for r in rows[:6]]
    more = f" and {len(rows) - 6} more" if len(rows) > 6 else ""
    return ("rows " if len(rows) > 1 else "row ") + ", ".join(listed) + more


def check_kpi_rows(cells: pd.DataFrame, shown: str) -> list[Problem]:
    """Every problem across rows of kpis.csv (see the module notes)."""
    if not all(c in cells.columns for c in (*_GROUP, "category", "count")):
        return []
    frame = cells.dropna(subset=[*_GROUP, "category"]).assign(number=numbers(cells["count"]))
    totals = is_total(frame["category"])
    problems = _stated_totals(frame, totals, shown)
    frame = frame[~totals]
    problems += _spellings(frame, shown)
    if frame.empty:
        return problems
    # A row with an unknown or misplaced kpi, cohort or measure is reported on its own; the
    # sums it upset would only repeat that, so its quarter's kpi is not summed.
    misplaced = ~frame.apply(_in_place, axis=1)
    upset = set(zip(frame.loc[misplaced, "period"], frame.loc[misplaced, "kpi"], strict=True))
    keep = [(p, k) not in upset for p, k in zip(frame["period"], frame["kpi"], strict=True)]
    frame = frame[keep]
    found = _cohort_parts(frame, shown)
    problems += found
    # A wrong ete count upsets its measure's sum too: reported once, as the cohorts'.
    wrong = {tuple(frame.loc[p.row, _GROUP]) for p in found}
    missing = _missing(frame)
    found, reported = _bases(frame, shown, wrong, missing)
    problems += found
    # A missing category that makes its measure fall short is said in that note, once.
    problems += _missing_categories(missing, reported, shown)
    return problems


def _in_place(row: pd.Series) -> bool:
    kpi, cohort, measure = row["kpi"], row["cohort"], row["measure"]
    return measure in KPI_MEASURES.get(kpi, ()) and cohort in KPI_COHORTS.get(kpi, ())


def _stated_totals(frame: pd.DataFrame, totals: pd.Series, shown: str) -> list[Problem]:
    problems = []
    for row in frame.index[totals]:
        period, kpi, cohort, measure = frame.loc[row, _GROUP]
        value = frame.at[row, "count"]
        if measure not in EXCLUSIVE_MEASURES:
            message = (
                f"is a total for {measure}, where a child can be counted in more than one "
                "category, so it cannot be checked; the row is left out"
            )
            expected = "no Total row for this measure"
            problems.append(Problem(shown, message, row, "category", None, expected, "warning"))
            continue
        same = (frame[_GROUP] == [period, kpi, cohort, measure]).all(axis=1) & ~totals
        if frame.loc[same, "number"].isna().any() or pd.isna(frame.at[row, "number"]):
            continue  # a count that is not a number is reported already
        added = frame.loc[same, "number"].sum()
        if added != frame.at[row, "number"]:
            message = (
                f"is not the sum of the other categories of {kpi} {measure} ({cohort}) for "
                f"{period}: the tables show the categories with their own sum, {added:.0f}"
            )
            expected = f"{added:.0f}, the sum of {_rows(frame.index[same])}"
            problems.append(Problem(shown, message, row, "count", value, expected, "warning"))
    return problems


def _normal(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip()).casefold()


def _spellings(frame: pd.DataFrame, shown: str) -> list[Problem]:
    problems = []
    for (kpi, cohort, measure), part in frame.groupby(["kpi", "cohort", "measure"], sort=False):
        if measure in HEADLINE_CATEGORIES:
            continue  # fixed categories: any other spelling is reported by the cell rules
        first: dict[str, tuple[str, int, str]] = {}
        for row, category, period in zip(
            part.index, part["category"], part["period"], strict=True
        ):
            seen = first.setdefault(_normal(category), (category, row, period))
            if seen[0] != category:
                message = (
                    f"is written differently from the same category of {kpi} {measure} "
                    f"({cohort}) in row {seen[1]} ({seen[2]})"
                )
                expected = f"'{seen[0]}', written the same way in every quarter"
                problems.append(Problem(shown, message, row, "category", category, expected))
    return problems


def _sums(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(_GROUP, sort=False)["number"].sum(min_count=1)


def _first_rows(frame: pd.DataFrame) -> pd.Series:
    return frame.reset_index().groupby(_GROUP, sort=False)["index"].first()


def _bases(
    frame: pd.DataFrame, shown: str, skip: set[tuple], missing: dict[tuple, tuple]
) -> tuple[list[Problem], set[tuple]]:
    """One note for each quarter's base measure that the measures counting it disagree with.

    Also returns the (period, kpi, cohort, measure) groups the notes name.
    """
    if frame["number"].isna().any():
        return [], set()  # counts that are not numbers are reported already; sums would mislead
    sums, first = _sums(frame), _first_rows(frame)
    counts = frame.set_index([*_GROUP, "category"])["number"]
    off: dict[tuple, list[tuple[str, float]]] = {}
    for (period, kpi, cohort, measure), added in sums.items():
        if (kpi, measure) not in MEASURE_BASES or (period, kpi, cohort, measure) in skip:
            continue
        base, category = MEASURE_BASES[(kpi, measure)]
        if category is None:
            target = sums.get((period, kpi, cohort, base))
        else:
            target = counts.get((period, kpi, cohort, base, category))
        if target is not None and not pd.isna(target) and target != added:
            off.setdefault((period, kpi, cohort, base, category, target), []).append(
                (measure, added)
            )
    problems, reported = [], set()
    for (period, kpi, cohort, base, category, target), measures in off.items():
        groups = [(period, kpi, cohort, m) for m, _ in measures]
        reported.update(groups)
        what = f"{base} counts {target:.0f} children" + (
            f" as '{category}'" if category is not None else ""
        )
        parts = []
        for (measure, added), group in zip(measures, groups, strict=True):
            part = f"{measure} adds up to {added:.0f}"
            if group in missing:
                gone = ", ".join(f"'{c}'" for c in missing[group][1])
                part += f" (there is no row for {gone} this quarter)"
            parts.append(part)
        whose = kpi if cohort == "all" else f"{kpi} ({cohort})"
        message = (
            f"the counts of {whose} for {period} disagree: {what}, but {in_words(parts)}; "
            "each measure is shown as a percentage of its own total"
        )
        expected = f"{target:.0f} in each, the same children"
        row = int(first[groups[0]])
        problems.append(Problem(shown, message, row, "count", None, expected, "warning"))
    return problems, reported


def _cohort_parts(frame: pd.DataFrame, shown: str) -> list[Problem]:
    """One note for each quarter's ete measure whose all counts are not the cohorts' sums."""
    ete = frame[frame["kpi"] == "ete"]
    if ete.empty or ete["number"].isna().any():
        return []
    whole, parts = COHORT_PARTS
    counts = ete.set_index(["period", "measure", "cohort", "category"])["number"]
    present = set(zip(ete["period"], ete["measure"], ete["cohort"], strict=True))
    off: dict[tuple[str, str], list[tuple[int, str, float, float]]] = {}
    rows = ete[ete["cohort"] == whole]
    for row, period, measure, category, number in zip(
        rows.index, rows["period"], rows["measure"], rows["category"], rows["number"], strict=True
    ):
        if not all((period, measure, p) in present for p in parts):
            continue
        added = sum(counts.get((period, measure, p, category), 0) for p in parts)
        if added != number:
            off.setdefault((period, measure), []).append((row, category, number, added))
    problems = []
    for (period, measure), wrong in off.items():
        listed = in_words([f"'{c}' ({n:.0f}; the cohorts add up to {a:.0f})"
                           for _, c, n, a in wrong])  # fmt: skip
        message = (
            f"the {whole} counts of ete {measure} for {period} are not the sum of the "
            f"{' and '.join(parts)} counts: {listed}; each cohort is shown as given"
        )
        row, _, number, added = wrong[0]
        expected = f"{added:.0f}, as the cohorts together make up all children"
        problems.append(
            Problem(shown, message, row, "count", f"{number:.0f}", expected, "warning")
        )
    return problems


def _missing(frame: pd.DataFrame) -> dict[tuple, tuple[int, list[str]]]:
    """(period, kpi, cohort, measure) -> (first row, categories other quarters have)."""
    found = {}
    for (kpi, cohort, measure), part in frame.groupby(["kpi", "cohort", "measure"], sort=False):
        names = part.assign(normal=part["category"].map(_normal))
        every = dict.fromkeys(names["normal"])
        labels = dict(zip(names["normal"], names["category"], strict=False))
        for period, quarter in names.groupby("period", sort=False):
            gone = [labels[n] for n in every if n not in set(quarter["normal"])]
            if gone:
                found[(period, kpi, cohort, measure)] = (int(quarter.index[0]), gone)
    return found


def _missing_categories(
    missing: dict[tuple, tuple[int, list[str]]], reported: set[tuple], shown: str
) -> list[Problem]:
    """One note for each category missing from some quarters of its measure."""
    gaps: dict[tuple, list[tuple[str, int]]] = {}
    for (period, kpi, cohort, measure), (row, gone) in missing.items():
        if (period, kpi, cohort, measure) in reported:
            continue
        for label in gone:
            if not is_unknown(label):
                gaps.setdefault((kpi, cohort, measure, label), []).append((period, row))
    problems = []
    for (kpi, cohort, measure, label), quarters in gaps.items():
        periods = in_words([period for period, _ in quarters])
        message = (
            f"{kpi} {measure} ({cohort}) has no row for '{label}' in {periods}, though "
            "other quarters have one: shown as not reported"
        )
        expected = "a row for every category in every quarter (0 if none)"
        problems.append(
            Problem(shown, message, quarters[0][1], "category", None, expected, "warning")
        )
    return problems
