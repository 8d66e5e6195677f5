"""Counts for any area: the area's own published row, or the sum of its member areas.

An aggregate area (a YJS made of several local authorities, a police force
area, a region, the nation) uses its own published row where one exists; where it does not,
the count is the sum of its members, and the output says how many. Where both exist and
disagree, a data-quality warning names the area, measure, period, both figures and each
member's; where some members have no figure, so that the check cannot be made, the warning
names them.

:class:`AreaCounts` does this for every count measure of ``counts.csv``;
:mod:`yjnb.stats.indicators` builds the indicators on it, and :func:`resolve_counts` serves tables
that show counts themselves (the authority's share of its area).

Members
-------
A YJS or police force area is made of the ``la`` rows that name it in ``yjs_code`` or
``pcc_code``. A region or nation is made of the rows whose ``region_code`` names it (regions,
and authorities placed directly in it, such as the Welsh ones); because the YJB publishes
many counts by YJS only, it is also tried as its YJSs in place of their authorities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from yjnb.errors import InputError, Problem

COUNTS_FILE = "data/national/counts.csv"
AREAS_FILE = "data/national/areas.csv"
POPULATION = "population_10_17"
GROUPS = ("yjs_code", "pcc_code", "region_code")
COUNT_COLUMNS = [
    "area_code", "area_name", "area_type", "measure", "period_start", "period_end", "value",
    "basis", "source",
]  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One resolved count: its value, where it was published, how many members were summed."""

    value: float
    sources: tuple[str, ...]
    members: int = 0  # member areas summed; 0 when it is the area's own published row
    start: str = ""  # the period of the row used (a population row may cover a longer one)
    end: str = ""

    @property
    def basis(self) -> str:
        """``published``, or ``sum of N members``."""
        if not self.members:
            return "published"
        return f"sum of {self.members} member{'s' if self.members != 1 else ''}"


@dataclass
class CountResult:
    """Resolved counts (:data:`COUNT_COLUMNS`) and the data-quality warnings found."""

    table: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)


def half_unit(published: float) -> float:
    """Half a unit in the last decimal place a published figure was given to."""
    exponent = int(Decimal(repr(float(published))).normalize().as_tuple().exponent)
    return 0.5 * 10.0 ** max(min(0, exponent), -10) + 1e-9  # + float noise


def number_text(value: float) -> str:
    """A figure as warnings quote it: up to six significant digits, thousands separated."""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def period_text(start: str, end: str) -> str:
    """An ISO period as warnings quote it."""
    return f"{start} to {end}"


def _iso(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.strftime("%Y-%m-%d")


class AreaCounts:
    """The area hierarchy and every published count, resolved per area, memoised.

    Warnings are collected in :attr:`warnings` as ``(area_code, Problem)`` pairs so that a
    caller can keep only those about the areas it reports.
    """

    def __init__(self, counts: pd.DataFrame, areas: pd.DataFrame):
        self.areas: dict[str, dict[str, str]] = {}
        for record in areas.to_dict("records"):
            clean = dict.fromkeys(GROUPS, "")
            clean |= {k: "" if pd.isna(v) else str(v).strip() for k, v in record.items()}
            self.areas.setdefault(clean["code"], clean)
        self.children: dict[tuple[str, str], list[str]] = defaultdict(list)
        for code, area in self.areas.items():
            for group in GROUPS:
                if area[group] and area[group] != code:
                    self.children[group, area[group]].append(code)
        frame = pd.DataFrame(
            {
                "area": counts["area_code"].astype(str).str.strip(),
                "measure": counts["measure"].astype(str).str.strip(),
                "start": _iso(counts["period_start"]),
                "end": _iso(counts["period_end"]),
                "value": pd.to_numeric(counts["value"], errors="coerce"),
                "source": counts["source"].fillna("").astype(str),
            }
        ).dropna(subset=["start", "end", "value"])
        self.rows: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        self.exact: dict[tuple[str, str, str, str], tuple[float, str]] = {}
        self.periods_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for area, measure, start, end, value, source in frame.itertuples(index=False):
            self.rows[area, measure].append((start, end, value, source))
            self.exact.setdefault((area, measure, start, end), (value, source))
            self.periods_of[measure].add((start, end))
        self.warnings: list[tuple[str, Problem]] = []
        # checks not made, by area, measure and missing members: the periods and figures
        self._unchecked: dict[tuple, list[str]] = defaultdict(list)
        self._counts: dict[tuple, Figure | None] = {}

    def check_codes(self, codes: list[str]) -> None:
        """Raise InputError naming every code that is not in areas.csv."""
        unknown = [code for code in codes if code not in self.areas]
        if unknown:
            raise InputError(
                [Problem(AREAS_FILE, f"area code {c!r} is not in areas.csv", column="code")
                 for c in unknown]
            )  # fmt: skip

    def warn(self, code: str, message: str, severity: str = "warning") -> None:
        """Record a data-quality warning (or, with ``severity="note"``, a note) about an area."""
        text = f"{self.areas[code]['name']} ({code}): {message}"
        self.warnings.append((code, Problem(COUNTS_FILE, text, column="value", severity=severity)))

    def warnings_about(self, codes: list[str]) -> list[Problem]:
        """The warnings about the given areas, once each, in the order found.

        Checks not made for the same reason in several periods are one warning, which lists
        the periods.
        """
        wanted = set(codes)
        for (code, what, members, missing), periods in self._unchecked.items():
            names = ", ".join(self.areas[m]["name"] for m in missing)
            verb = "has" if len(missing) == 1 else "have"
            self.warn(code, f"{what} for {', '.join(periods)} is not checked against its "
                            f"{members} member areas: {len(missing)} of them {verb} no figure "
                            f"({names})", severity="note")  # fmt: skip
        self._unchecked.clear()
        return list(dict.fromkeys(p for code, p in self.warnings if code in wanted))

    def is_type(self, code: str, kind: str) -> bool:
        """Whether ``code`` is an area of type ``kind``."""
        return code in self.areas and self.areas[code]["type"] == kind

    def partitions(self, code: str) -> list[list[str]]:
        """List the ways of splitting an aggregate into members whose counts add up to it."""
        kind = self.areas[code]["type"]
        if kind in ("yjs", "pcc"):
            members = [c for c in self.children[f"{kind}_code", code] if self.is_type(c, "la")]
            return [members] if members else []
        if kind not in ("region", "nation"):
            return []
        inside = self.children["region_code", code]
        regions = [c for c in inside if self.is_type(c, "region")]
        las = [c for c in inside if self.is_type(c, "la")]
        yjs_of = {la: self.areas[la]["yjs_code"] for la in las}
        units = list(
            dict.fromkeys(yjs_of[la] if self.is_type(yjs_of[la], "yjs") else la for la in las)
        )
        options = [regions + las] + ([regions + units] if units != las else [])
        return [members for members in options if members]

    def published(self, code: str, measure: str, start: str, end: str) -> tuple | None:
        """The area's own row for exactly this period: ``(value, source)`` or None."""
        return self.exact.get((code, measure, start, end))

    def _own(self, code: str, measure: str, start: str, end: str) -> tuple | None:
        """Find the area's own row: same period, or for population one containing the end."""
        if (code, measure, start, end) in self.exact:
            return (start, end, *self.exact[code, measure, start, end])
        if measure != POPULATION:
            return None
        containing = [row for row in self.rows[code, measure] if row[0] <= end <= row[1]]
        # if several contain it: the latest to start, then the shortest
        return max(containing, key=lambda row: (row[0], -len(row[1])), default=None)

    def count(self, code: str, measure: str, start: str, end: str) -> Figure | None:
        """Resolve one count: the area's own row, else the sum over its members."""
        key = (code, measure, start, end)
        if key in self._counts:
            return self._counts[key]
        self._counts[key] = None  # stops a cycle in the area hierarchy
        own = self._own(code, measure, start, end)
        if own is None:
            self._counts[key] = self._sum(code, measure, start, end)
            return self._counts[key]
        self._counts[key] = Figure(own[2], (own[3],), 0, own[0], own[1])
        split = self.split(code, lambda m: self.count(m, measure, own[0], own[1]))
        if split is not None:
            period = period_text(*own[:2])
            members, figures = split
            values = [f.value if f else None for f in figures]
            if None in values:
                self.unchecked(code, f"published {measure}", period, own[2], members, values)
            elif abs(sum(values) - own[2]) > 0.5:
                self.warn(code, f"published {measure} for {period} is {number_text(own[2])}, "
                                f"but its {len(members)} "
                                f"member areas sum to {number_text(sum(values))} "
                                f"({self.listing(members, values)})")  # fmt: skip
        return self._counts[key]

    def split(self, code: str, get: Callable[[str], Any]) -> tuple[list, list] | None:
        """An aggregate's members and what ``get`` finds for each (None where nothing).

        The first way of splitting it (:meth:`partitions`) whose members all have a figure;
        failing that, the one with fewest missing; None for an area that is not an aggregate.
        """
        best = None
        for members in self.partitions(code):
            figures = [get(m) for m in members]
            missing = sum(f is None for f in figures)
            if best is None or missing < best[2]:
                best = (members, figures, missing)
            if not missing:
                break
        return None if best is None else (best[0], best[1])

    def listing(self, members: list[str], values: list[float | None]) -> str:
        """Members with their figures, as warnings quote them: 'Cumberland 20, ...'."""
        return ", ".join(
            f"{self.areas[m]['name']} {'none' if v is None else number_text(v)}"
            for m, v in zip(members, values, strict=True)
        )

    def unchecked(self, code: str, what: str, period: str, figure: float, members, values):
        """Note that an aggregate's figure is not checked, for the members with none."""
        missing = tuple(m for m, v in zip(members, values, strict=True) if v is None)
        key = (code, what, len(members), missing)
        self._unchecked[key].append(f"{period} ({number_text(figure)})")

    def _sum(self, code: str, measure: str, start: str, end: str) -> Figure | None:
        split = self.split(code, lambda m: self.count(m, measure, start, end))
        if split is None or any(f is None for f in split[1]):
            return None
        members, figures = split
        sources = tuple(dict.fromkeys(s for f in figures for s in f.sources))
        return Figure(sum(f.value for f in figures), sources, len(members), start, end)


def resolve_counts(
    counts: pd.DataFrame,
    areas: pd.DataFrame,
    area_codes: list[str],
    measures: list[str],
    periods: list[tuple[str, str]] | None = None,
) -> CountResult:
    """Resolve counts for areas: published where published, else summed from members.

    Parameters
    ----------
    counts, areas : pandas.DataFrame
        ``counts.csv`` and ``areas.csv`` as loaded.
    area_codes : list of str
        The areas wanted, in this order.
    measures : list of str
        Count measures of ``counts.csv`` (``population_10_17``, ``fte``, ...).
    periods : list of (str, str), optional
        ISO (start, end) periods; default every period any area has a row for, per measure.

    Returns
    -------
    CountResult
        One row per area, measure and period with a value (:data:`COUNT_COLUMNS`; ``basis``
        is ``published`` or ``sum of N members``), and warnings about those areas.
    """
    calc = AreaCounts(counts, areas)
    calc.check_codes(list(area_codes))
    rows = []
    for measure in measures:
        for start, end in periods or sorted(calc.periods_of[measure]):
            for code in area_codes:
                figure = calc.count(code, measure, start, end)
                if figure is None:
                    continue
                area = calc.areas[code]
                rows.append([code, area["name"], area["type"], measure, start, end,
                             figure.value, figure.basis, "; ".join(s for s in figure.sources
                                                                   if s)])  # fmt: skip
    table = pd.DataFrame(rows, columns=COUNT_COLUMNS)
    table["value"] = table["value"].astype(float)
    return CountResult(table, calc.warnings_about(list(area_codes)))
