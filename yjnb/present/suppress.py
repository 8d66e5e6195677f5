"""Statistical disclosure control for the public profile: small counts become ``[c]``.

A table or chart built from local counts of children carries them as :class:`Counts`:
every count it shows or that can be worked out from what it shows (totals, the quarter
behind a change), with the sums and bounds that tie them together. :func:`suppress`
chooses which to hide:

1. **primary**: every count from 1 to the threshold (plan.yaml ``suppression_threshold``);
2. **secondary**: in every sum that has one hidden cell, one more (the smallest non-zero
   cell shown, a total only if every other part is zero). Zeros are never hidden, so a
   reader knows every hidden count is at least 1;
3. **audit**: a hidden count can also be reached through a chain of sums and bounds (a
   quarter's total, the year's total, the same category in another quarter, "of those"
   measures...). For every hidden cell, integer programming finds the least and greatest
   whole number it can take given all that is shown (:mod:`yjnb.stats.feasible`). A cell
   narrowed to fewer than three values breaks the protection rule; the cheapest shown
   cells that widen it are hidden too (:func:`_widening`) and the audit runs again. Counts
   nothing can protect raise :class:`DisclosureError`: the public profile is refused.

What is built from counts follows one rule, applied by the drawing functions: a
percentage, change, rate or ratio is shown only if every count it is built from is shown.
:class:`Protected` holds the counts and the function that draws the table or chart from
them, so one object serves both profiles: the board sees every figure, the public sees the
suppressed ones. Published national statistics are never suppressed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from yjnb.present.charts import Chart
from yjnb.present.tables import Table
from yjnb.stats.feasible import Bound, Sum, cell_range, components, is_protected, unprotected
from yjnb.symbols import SUPPRESSED

PUBLIC = "public"


def suppression_note(threshold: int) -> str:
    """The note under every table with suppressed cells."""
    return (
        f"{SUPPRESSED}: a count from 1 to {threshold} is not shown, to protect the children "
        "counted; other counts are hidden with it where the small count could otherwise be worked "
        "out, and so are percentages, changes and rates built from a hidden count."
    )


def withheld_cells(item: Table | Chart) -> tuple[int, int]:
    """How many cells of figures a table (or a chart's table) shows withheld, and of how many.

    Counted in the table as the page shows it (its parts, if it has them, else its view), row
    headers left out: every cell showing ``[c]`` (alone, or as "[c] ([c])"), out of every
    cell holding a figure or ``[c]``.
    """
    table = item.data if isinstance(item, Chart) else item
    views = [part.view for part in table.parts] or [table.view]
    cells = []
    for view in views:
        shown = view.iloc[:, 1:] if table.row_header and len(view.columns) else view
        cells += [str(c).strip() for c in shown.to_numpy().ravel()]
    figures = [c for c in cells if c not in ("", "—", "nan", "None")]
    return sum(SUPPRESSED in c for c in figures), len(figures)


def withheld_note(withheld: int, figures: int) -> str:
    """The note saying how many of a table's figures are withheld."""
    verb = "is" if withheld == 1 else "are"
    return f"{withheld:,} of the {figures:,} figures in this table {verb} withheld ({SUPPRESSED})."


@dataclass(frozen=True, eq=False)
class Counts:
    """Counts a table shows or implies, and the sums and bounds that tie them together.

    Parameters
    ----------
    frame
        One row per count: key columns, then ``count`` (whole numbers, zero or more).
    sums
        ``(total, parts)``: the count at position ``total`` is the sum of those at
        ``parts`` (positions in ``frame``).
    at_most
        ``(cell, bound)``: the count at ``cell`` is no more than the count at ``bound``.
    """

    frame: pd.DataFrame
    sums: tuple[Sum, ...] = ()
    at_most: tuple[Bound, ...] = ()

    def suppressed(self, threshold: int) -> np.ndarray:
        """Which counts the public profile hides (boolean, in ``frame`` order).

        Counts not tied by any sum or bound are suppressed independently, so a table
        drawn from a part of these counts hides exactly what this does.
        """
        values = [int(v) for v in self.frame["count"]]
        hidden = np.zeros(len(values), dtype=bool)
        relations = [(t, *ps) for t, ps in self.sums] + [tuple(b) for b in self.at_most]
        for cells in components(len(values), relations):
            local = {cell: i for i, cell in enumerate(cells)}
            sums = tuple(
                (local[t], tuple(local[p] for p in ps)) for t, ps in self.sums if t in local
            )
            bounds = tuple((local[c], local[b]) for c, b in self.at_most if c in local)
            part = _suppress(tuple(values[c] for c in cells), sums, bounds, threshold)
            hidden[cells] = part
        return hidden


class CountsBuilder:
    """Collects counts by key, and the sums between them, into :class:`Counts`."""

    def __init__(self, columns: Sequence[str]):
        self.columns = tuple(columns)
        self._rows: list[tuple] = []
        self._position: dict[tuple, int] = {}
        self._sums: list[Sum] = []
        self._bounds: list[Bound] = []

    def __contains__(self, key: tuple) -> bool:
        return key in self._position

    def add(self, key: tuple, count: int) -> None:
        """Add one count (keys are unique; adding a key again is an error)."""
        if key in self._position:
            raise ValueError(f"count {key} added twice")
        self._position[key] = len(self._rows)
        self._rows.append((*key, int(count)))

    def keys(self) -> list[tuple]:
        """Every key added, in order."""
        return list(self._position)

    def count(self, key: tuple) -> int:
        """The count added under ``key``."""
        return self._rows[self._position[key]][-1]

    def add_sum(self, total: tuple, parts: Iterable[tuple]) -> None:
        """Record that ``total`` is the sum of ``parts`` (keys not added are left out).

        Nothing is recorded unless the total and at least one part are present and the
        figures do add up: a relation that does not hold is no help to anyone.
        """
        members = tuple(self._position[p] for p in parts if p in self._position)
        if total not in self._position or not members:
            return
        position = self._position[total]
        if self._rows[position][-1] == sum(self._rows[m][-1] for m in members):
            self._sums.append((position, members))

    def add_at_most(self, key: tuple, bound: tuple) -> None:
        """Record that the count at ``key`` is no more than the count at ``bound``.

        As for sums, nothing is recorded unless both are present and the figures bear it out.
        """
        if key not in self._position or bound not in self._position:
            return
        if self._rows[self._position[key]][-1] <= self._rows[self._position[bound]][-1]:
            self._bounds.append((self._position[key], self._position[bound]))

    def build(self) -> Counts:
        """The collected counts."""
        frame = pd.DataFrame(self._rows, columns=[*self.columns, "count"])
        frame["count"] = frame["count"].astype("int64")
        return Counts(frame, tuple(self._sums), tuple(self._bounds))


@dataclass(frozen=True, eq=False)
class Protected:
    """A table or chart drawn from local counts: whole for the board, suppressed in public.

    ``draw`` receives ``counts.frame`` with a boolean ``suppressed`` column and returns the
    table or chart; it must show nothing built from a suppressed count.
    """

    counts: Counts
    draw: Callable[[pd.DataFrame], Table | Chart]
    _drawn: dict[bytes, Table | Chart] = field(default_factory=dict, repr=False)

    def for_profile(self, profile: str, threshold: int) -> Table | Chart:
        """The table or chart as the given profile shows it."""
        if profile == PUBLIC:
            hidden = self.counts.suppressed(threshold)
        else:
            hidden = np.zeros(len(self.counts.frame), dtype=bool)
        # Where nothing is hidden the public item is the board's: drawn once (charts are slow).
        key = hidden.tobytes()
        if key not in self._drawn:
            self._drawn[key] = self.draw(self.counts.frame.assign(suppressed=hidden))
        item = self._drawn[key]
        if hidden.any():
            withheld, figures = withheld_cells(item)
            notes = (suppression_note(threshold),)
            if withheld:  # a count hidden only in another table drawn from these counts
                notes += (withheld_note(withheld, figures),)
            if isinstance(item, Chart):
                return replace(item, data=item.data.with_notes(*notes))
            return item.with_notes(*notes)
        return item


class Cells:
    """Counts by key as a drawing function reads them: value, or hidden."""

    def __init__(self, frame: pd.DataFrame):
        keys = [c for c in frame.columns if c not in ("count", "suppressed")]
        self._cells = {
            tuple(row[:-2]): (int(row[-2]), bool(row[-1]))
            for row in frame[[*keys, "count", "suppressed"]].itertuples(index=False, name=None)
        }

    def __contains__(self, key: Hashable) -> bool:
        return key in self._cells

    def value(self, key: tuple) -> int | None:
        """The count, or None if it is hidden or absent."""
        found = self._cells.get(key)
        return None if found is None or found[1] else found[0]

    def hidden(self, key: tuple) -> bool:
        """Whether the count exists and is hidden."""
        return self._cells.get(key, (0, False))[1]

    def text(self, key: tuple) -> str:
        """The count as shown: ``1,234``, ``[c]`` if hidden, ``—`` if not reported."""
        if key not in self._cells:
            return "—"
        value = self.value(key)
        return SUPPRESSED if value is None else f"{value:,}"

    def csv(self, key: tuple) -> int | str | None:
        """The count for a CSV: a number, ``[c]`` if hidden, None if not reported."""
        if key not in self._cells:
            return None
        value = self.value(key)
        return SUPPRESSED if value is None else value


# --- choosing cells to hide ------------------------------------------------------------------


class DisclosureError(ValueError):
    """Counts that no choice of cells to withhold protects: the public profile is refused."""


def suppress(counts: Counts, threshold: int) -> np.ndarray:
    """Which counts to hide in the public profile (see the module notes)."""
    return counts.suppressed(threshold)


@functools.lru_cache(maxsize=256)
def _suppress(
    values: tuple[int, ...], sums: tuple[Sum, ...], bounds: tuple[Bound, ...], threshold: int
) -> tuple[bool, ...]:
    # Cached by content: every table drawn from the same counts hides the same cells.
    v = np.asarray(values, dtype=float)
    hidden = (v >= 1) & (v <= threshold)
    _cover_sums(v, hidden, sums)
    while weak := unprotected(v, hidden, sums, bounds):
        for cell in weak:
            if cell != weak[0] and is_protected(*cell_range(v, hidden, sums, bounds, cell)):
                continue  # a cell withheld for an earlier one protects this one too
            _widening(v, hidden, cell, sums, bounds)
    return tuple(bool(h) for h in hidden)


def _shown_non_zero(v: np.ndarray, hidden: np.ndarray, candidates: Iterable[int]) -> list[int]:
    """Candidates to withhold next, cheapest first: shown, non-zero, smallest count first."""
    found = {int(c) for c in candidates if not hidden[c] and v[c] > 0}
    return sorted(found, key=lambda c: (v[c], c))


def _pick(v: np.ndarray, hidden: np.ndarray, candidates: Iterable[int]) -> int | None:
    """The cell to hide next among ``candidates``: the smallest non-zero one shown."""
    shown = _shown_non_zero(v, hidden, candidates)
    return shown[0] if shown else None


def _cover_sums(v: np.ndarray, hidden: np.ndarray, sums: tuple[Sum, ...]) -> None:
    # A total with one part withheld gives it away by subtraction: withhold a second (a
    # total if every other part is zero; zeros are never withheld, so a reader knows
    # every [c] is at least 1, and the audit assumes it).
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if hidden[total] + hidden[list(parts)].sum() != 1:
                continue
            chosen = _pick(v, hidden, parts)
            if chosen is None:
                chosen = _pick(v, hidden, [total])
            if chosen is not None:
                hidden[chosen] = True
                changed = True


_TRIES = 10  # candidates tried for one unprotected count


def _widening(v: np.ndarray, hidden: np.ndarray, cell: int, sums: tuple[Sum, ...], bounds) -> None:
    """Withhold the cheapest set of counts that protects ``cell`` (or widens it the most).

    Each candidate is a shown count sharing a sum or bound with ``cell`` (failing those,
    with any count withheld in its group), withheld together with what it takes so that no
    sum has a single count withheld (:func:`_cover_sums`). The cheapest is the one that
    withholds fewest counts, then the smallest. Raises :class:`DisclosureError` when no
    candidate widens the range of values ``cell`` can take.
    """
    near = _shown_non_zero(v, hidden, _neighbours({cell}, sums, bounds))
    group = _group(hidden, cell, sums, bounds)
    near += [c for c in _shown_non_zero(v, hidden, _neighbours(group, sums, bounds))
             if c not in near]  # fmt: skip
    # Tried one at a time, then, where one is not enough (a count bound by a row and a
    # column), the cheapest of every relation of the count together, then of its group.
    trials = [[c] for c in near[:_TRIES]]
    trials += [_cheapest_each(v, hidden, cells, sums, bounds) for cells in ({cell}, group)]
    closures = []
    for chosen in trials:
        if chosen:
            trial = hidden.copy()
            trial[chosen] = True
            _cover_sums(v, trial, sums)
            added = trial & ~hidden
            closures.append(((int(added.sum()), float(v[added].sum())), trial))
    # Cheapest first: the first that protects the count is the one to take.
    closures.sort(key=lambda found: found[0])
    low, high = cell_range(v, hidden, sums, bounds, cell)
    best, best_key = None, None
    for cost, trial in closures:
        new_low, new_high = cell_range(v, trial, sums, bounds, cell)
        if new_high - new_low <= high - low:
            continue  # no wider: no help
        key = (not is_protected(new_low, new_high), *cost)
        if best_key is None or key < best_key:
            best, best_key = trial, key
        if not key[0]:
            break
    if best is None:
        raise DisclosureError(
            f"a withheld count of {int(v[cell])} can be worked out from the counts shown, "
            "whichever other counts are withheld with it"
        )
    hidden[:] = best


def _cheapest_each(v: np.ndarray, hidden: np.ndarray, cells: set[int], sums, bounds) -> list[int]:
    """The cheapest shown count of every sum or bound holding one of ``cells``."""
    chosen = []
    for total, parts in sums:
        if cells & {total, *parts}:
            chosen.append(_pick(v, hidden, [*parts, total]))
    for a, b in bounds:
        if a in cells or b in cells:
            chosen.append(_pick(v, hidden, [a, b]))
    return sorted({c for c in chosen if c is not None})


def _neighbours(cells: set[int], sums: tuple[Sum, ...], bounds) -> set[int]:
    """Every count in a sum or bound with one of ``cells``."""
    found: set[int] = set()
    for total, parts in sums:
        members = {total, *parts}
        if members & cells:
            found |= members
    for a, b in bounds:
        if a in cells or b in cells:
            found |= {a, b}
    return found


def _group(hidden: np.ndarray, cell: int, sums: tuple[Sum, ...], bounds) -> set[int]:
    """The withheld counts tied to ``cell`` through relations among withheld counts."""
    group, frontier = {cell}, {cell}
    while frontier:
        reached = {c for c in _neighbours(frontier, sums, bounds) if hidden[c]} - group
        group |= reached
        frontier = reached
    return group
