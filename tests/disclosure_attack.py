"""A determined reader of one authority's public KPI tables, written apart from yjnb.

It reads what the public profile publishes (tables/*.csv: the KPI tables, the headline
table and the chart data tables; the spreadsheet and the year's index repeat these), the
board's version of the same files for the true figures, and what docs/kpis.md says about
who each KPI counts. From that it builds an integer programme over every withheld KPI
count:

* every count is a whole number, and a withheld one is at least 1 (zeros are never
  withheld: checked against the board's figures, since the reader relies on it);
* every figure shown is a linear fact: a count, a total, the previous quarter's count, a
  change (count minus the one before), a change in the total, a percentage to one decimal
  place (a band on count / total);
* every relation the docs state: a total is the sum of its categories, the year the sum of
  its quarters, the ETE cohorts add up, "of those" measures count the children of their
  base, a formal plan counts children with identified SEND, and every KPI of children
  counts the same children, of whom out-of-court disposals and each wider service are a
  part. A relation is used only where the board's figures bear it out (a reader cannot
  know otherwise, and a broken one tells nothing true).

For each withheld count it finds the least and greatest whole value the reader cannot rule
out (scipy's milp). A count is *recovered* if only one value fits, *narrowed* if two.

Run as a script on a built year folder: ``python tests/disclosure_attack.py outputs/2024-25``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

HIDDEN = "[c]"
TOTAL = "Total"
CEILING = 1_000_000
# docs/kpis.md: "of those" measures and the measures counting the same children as another.
BASES = {
    ("accommodation", "accommodation_type"): ("suitability", TOTAL),
    ("ete", "ete_type"): ("suitability", TOTAL),
    ("ete", "hours_offered"): ("suitability", TOTAL),
    ("ete", "hours_attended"): ("suitability", TOTAL),
    ("mental_health", "referred"): ("identified_need", "Yes"),
    ("mental_health", "attended"): ("referred", "Yes"),
    ("substance_misuse", "referred"): ("identified_need", "Yes"),
    ("substance_misuse", "attended"): ("referred", "Yes"),
    ("oocd", "disposal_type"): ("outcome", TOTAL),
}
CHILDREN = [
    ("accommodation", "suitability"), ("ete", "suitability"), ("send", "sen_level"),
    ("mental_health", "identified_need"), ("substance_misuse", "identified_need"),
]  # fmt: skip
SOME_CHILDREN_TOTAL = [("oocd", "outcome")]
SOME_CHILDREN_EACH = [("wider_services", "open_to")]
NOT_SEND = ("no identified sen", "unknown", "not known", "not recorded")


def hidden(value) -> bool:
    return isinstance(value, str) and value.strip() == HIDDEN


def given(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


class Attacker:
    """The reader's integer programme over one authority's withheld KPI counts."""

    def __init__(self):
        self.truth: dict[tuple, int] = {}
        self.withheld: set[tuple] = set()
        self.shown: set[tuple] = set()
        self.rows: list[tuple[dict[tuple, float], float, float]] = []  # coefs, low, high
        self.leaks: list[str] = []

    # -- what is published ------------------------------------------------------------------
    def cell(self, key: tuple, true, public) -> None:
        if not given(true):
            return
        value = int(float(true))
        if self.truth.setdefault(key, value) != value:
            raise AssertionError(f"{key}: the board shows {value} and {self.truth[key]}")
        if hidden(public):
            self.withheld.add(key)
        elif given(public):
            if int(float(public)) != value:
                self.leaks.append(f"{key}: published as {public}, is {value}")
            self.shown.add(key)

    def fact(self, coefs: dict[tuple, float], low: float, high: float) -> None:
        """A linear fact over counts: low <= sum(coef * count) <= high."""
        if all(k in self.truth for k in coefs):
            self.rows.append((coefs, low, high))

    def relation(self, total: tuple, parts: Iterable[tuple], at_most: bool = False) -> None:
        """total = sum(parts) (or total >= sum(parts)), if the board's figures bear it out."""
        parts = [p for p in parts if p in self.truth]
        if total not in self.truth or not parts:
            return
        whole, summed = self.truth[total], sum(self.truth[p] for p in parts)
        if whole == summed or (at_most and summed <= whole):
            coefs = {total: 1.0}
            for p in parts:
                coefs[p] = coefs.get(p, 0.0) - 1.0
            self.rows.append((coefs, 0.0, math.inf if at_most else 0.0))

    # -- what a reader works out ------------------------------------------------------------
    def ranges(self) -> dict[tuple, tuple[int, int]]:
        unknown = sorted(self.withheld - self.shown, key=str)
        for key in unknown:
            assert self.truth[key] >= 1, f"{key}: a zero is withheld, and the reader assumes none"
        index = {k: i for i, k in enumerate(unknown)}
        matrix, lows, highs = [], [], []
        for coefs, low, high in self.rows:
            row = np.zeros(len(unknown))
            constant = 0.0
            for key, c in coefs.items():
                if key in index:
                    row[index[key]] += c
                else:
                    constant += c * self.truth[key]
            if row.any():
                matrix.append(row)
                lows.append(low - constant)
                highs.append(high - constant)
        found = {}
        if not unknown:
            return found
        constraints = LinearConstraint(np.array(matrix), lows, highs) if matrix else []
        bounds = Bounds(np.ones(len(unknown)), np.full(len(unknown), CEILING))
        seen_low = np.array([self.truth[k] for k in unknown], dtype=float)
        seen_high = seen_low.copy()
        for i in range(len(unknown)):
            extremes = []
            for sense in (1.0, -1.0):
                if seen_high[i] - seen_low[i] >= 2:
                    break
                c = np.zeros(len(unknown))
                c[i] = sense
                result = milp(c, constraints=constraints, integrality=np.ones(len(unknown)),
                              bounds=bounds)  # fmt: skip
                assert result.status == 0, f"the published facts do not hold: {result.message}"
                x = np.round(result.x)
                seen_low, seen_high = np.minimum(seen_low, x), np.maximum(seen_high, x)
                extremes.append(x[i])
            found[unknown[i]] = (int(seen_low[i]), int(seen_high[i]))
        return found

    def verdict(self) -> dict[str, list[str]]:
        """Withheld counts recovered exactly, and narrowed to two values."""
        found = {"recovered": [], "narrowed": []}
        for key, (low, high) in self.ranges().items():
            if high == low:
                found["recovered"].append(f"{key} = {low}")
            elif high - low == 1:
                found["narrowed"].append(f"{key} is {low} or {high} (is {self.truth[key]})")
        return found


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=object) for p in sorted(folder.glob("kpi_*.csv"))}


def _key(row: pd.Series, period: str | None = None, category: str | None = None) -> tuple:
    return (row["kpi"], period or row["period"], row["cohort"], row["measure"],
            category or row["category"])  # fmt: skip


def _percent_band(attacker: Attacker, count: tuple, total: tuple, percent: str) -> None:
    # p shown to one decimal place, half up: (p - 0.05) * total <= 100 * count < (p + 0.05) * total
    p = float(percent)
    attacker.fact({count: 100.0, total: -(p - 0.05)}, 0.0, math.inf)
    attacker.fact({count: 100.0, total: -(p + 0.05)}, -math.inf, 0.0)


def attack(authority: Path) -> Attacker:
    """Every withheld KPI count of one built authority (``<year>/<slug>``) under attack."""
    board, public = _read(authority / "board" / "tables"), _read(authority / "public" / "tables")
    attacker = Attacker()
    later: list = []
    for name in board:
        if name in ("kpi_headlines", "kpi_board_attendance") or name.endswith("_chart"):
            continue
        for (_, b), (_, p) in zip(board[name].iterrows(), public[name].iterrows(), strict=True):
            key = _key(b)
            total = _key(b, category=TOTAL)
            attacker.cell(key, b["count"], p["count"])
            attacker.cell(total, b["total"], p["total"])
            if given(b["previous_period"]):
                before = _key(b, period=b["previous_period"])
                attacker.cell(before, b["previous_count"], p["previous_count"])
                later.append((key, before, b, p))
            if given(p["percent"]) and not hidden(p["percent"]):
                later.append((key, total, "percent", p["percent"]))
            if given(b.get("rate_per_10000")) and not hidden(p["rate_per_10000"]):
                if hidden(p["count"]):
                    attacker.leaks.append(f"{key}: a rate of a withheld count")
    for name in ("kpi_headlines",):
        for (_, b), (_, p) in zip(board[name].iterrows(), public[name].iterrows(), strict=True):
            if b["kpi"] == "board_attendance" or not given(b["count"]):
                continue
            key = _key(b)
            attacker.cell(key, b["count"], p["count"])
            if b["category"] != TOTAL:
                attacker.cell(_key(b, category=TOTAL), b["total"], p["total"])
                if given(p["percent"]) and not hidden(p["percent"]):
                    later.append((key, _key(b, category=TOTAL), "percent", p["percent"]))
    for name in [n for n in board if n.endswith("_chart")]:
        for (_, b), (_, p) in zip(board[name].iterrows(), public[name].iterrows(), strict=True):
            key = _key(b)
            if b["unit"] == "count":
                attacker.cell(key, b["value"], p["value"])
            elif given(p["value"]) and not hidden(p["value"]):
                later.append((key, _key(b, category=TOTAL), "percent", p["value"]))
    _published_changes(attacker, later)
    _stated_relations(attacker)
    return attacker


def _published_changes(attacker: Attacker, later: list) -> None:
    for key, other, b, p in later:
        if isinstance(b, str):  # a percentage
            _percent_band(attacker, key, other, p)
            continue
        if given(p["change"]) and not hidden(p["change"]):
            change = float(p["change"])
            attacker.fact({key: 1.0, other: -1.0}, change, change)
        if given(p["total_change"]) and not hidden(p["total_change"]):
            total, before = (*key[:4], TOTAL), (*other[:4], TOTAL)
            attacker.cell(before, _previous_total(attacker, total, b), HIDDEN)
            change = float(p["total_change"])
            attacker.fact({total: 1.0, before: -1.0}, change, change)


def _previous_total(attacker: Attacker, total: tuple, b: pd.Series) -> int:
    return attacker.truth[total] - int(float(b["total_change"]))


def _stated_relations(attacker: Attacker) -> None:
    keys = list(attacker.truth)
    groups: dict[tuple, list[tuple]] = {}
    for key in keys:
        if key[4] != TOTAL:
            groups.setdefault(key[:4], []).append(key)
    for head, parts in groups.items():
        attacker.relation((*head, TOTAL), parts)  # a total and its categories
    years = {k[1] for k in keys if " Q" not in k[1]}
    for year in years:
        for key in [k for k in keys if k[1] == year]:
            quarters = [k for k in keys if k[1].startswith(year + " Q") and k[0] == key[0]
                        and k[2:] == key[2:]]  # fmt: skip
            attacker.relation(key, quarters)
    periods = {k[1] for k in keys}
    for period in periods:
        for (kpi, measure), (base, category) in BASES.items():
            for cohort in ("all", "statutory_school_age", "post_16"):
                attacker.relation((kpi, period, cohort, measure, TOTAL),
                                  [(kpi, period, cohort, base, category)])  # fmt: skip
        for key in [k for k in keys if k[1] == period and k[0] == "ete" and k[2] == "all"]:
            cohorts = ("statutory_school_age", "post_16")
            parts = [(key[0], period, c, key[3], key[4]) for c in cohorts]
            attacker.relation(key, parts)
        send = [k for k in keys if k[:4] == ("send", period, "all", "sen_level")]
        needs = [k for k in send if k[4] != TOTAL and k[4].strip().lower() not in NOT_SEND]
        attacker.relation(("send", period, "all", "formal_plan", TOTAL), needs)
        children = [(kpi, period, "all", m, TOTAL) for kpi, m in CHILDREN]
        children = [k for k in children if k in attacker.truth]
        for one in children:
            for other in children:
                if one != other:
                    attacker.relation(one, [other])
            for kpi, measure in SOME_CHILDREN_TOTAL:
                attacker.relation(one, [(kpi, period, "all", measure, TOTAL)], at_most=True)
            for kpi, measure in SOME_CHILDREN_EACH:
                for key in [k for k in keys if k[:4] == (kpi, period, "all", measure)]:
                    attacker.relation(one, [key], at_most=True)


def main(year_folder: str) -> int:
    folder = Path(year_folder)
    for authority in sorted(p for p in folder.iterdir() if (p / "public" / "tables").is_dir()):
        attacker = attack(authority)
        verdict = attacker.verdict()
        withheld = len(attacker.withheld - attacker.shown)
        print(f"{authority.name}: {withheld} withheld KPI counts, "
              f"{len(verdict['recovered'])} recovered exactly, "
              f"{len(verdict['narrowed'])} narrowed to two values, "
              f"{len(attacker.leaks)} figures shown beside what they give away")  # fmt: skip
        for line in verdict["recovered"] + verdict["narrowed"] + attacker.leaks:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
