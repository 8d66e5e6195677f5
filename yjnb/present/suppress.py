"""Statistical disclosure control for the public profile: small counts become ``[c]``.

A table or chart built from local counts of children carries them as :class:`Counts`:
every count it shows or that can be worked out from what it shows (totals, the quarter
behind a change), with the sums and bounds that tie them together. :func:`suppress`
chooses which to hide:

1. **primary**: every count from 1 to the threshold (plan.yaml ``suppression_threshold``);
2. **secondary**: in every sum that has one hidden cell, one more (the smallest non-zero
   cell shown, a total only if no part is left), so no hidden count is a subtraction away;
3. **audit**: a hidden count can also be reached through a chain of sums (a quarter's
   total, the year's total, the same category in another quarter...). For every hidden
   cell, linear programming finds the least and greatest value it can take given all
   that is shown. A cell fails if that range holds a single whole number (it can be
   recovered), or if a small count can be shown to lie between 1 and the threshold.
   Each failing cell gets another hidden cell beside it and the audit runs again.

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
from yjnb.stats.feasible import Bound, Sum, components, weak_cells
from yjnb.symbols import SUPPRESSED

PUBLIC = "public"


def suppression_note(threshold: int) -> str:
    """The note under every table with suppressed cells."""
    return (
        f"{SUPPRESSED}: a count from 1 to {threshold} is not shown, to protect the children "
        "counted; other counts are hidden with it where the small count could otherwise be worked "
        "out, and so are percentages, changes and rates built from a hidden count."
    )


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
        """Record that the count at ``key`` is no more than the count at ``bound``."""
        if key in self._position and bound in self._position:
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
            note = suppression_note(threshold)
            if isinstance(item, Chart):
                return replace(item, data=item.data.with_notes(note))
            return item.with_notes(note)
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


def suppress(counts: Counts, threshold: int) -> np.ndarray:
    """Which counts to hide in the public profile (see the module notes)."""
    return counts.suppressed(threshold)


@functools.lru_cache(maxsize=256)
def _suppress(
    values: tuple[int, ...], sums: tuple[Sum, ...], bounds: tuple[Bound, ...], threshold: int
) -> tuple[bool, ...]:
    # Cached by content: every table drawn from the same counts hides the same cells.
    v = np.asarray(values, dtype=float)
    primary = (v >= 1) & (v <= threshold)
    hidden = primary.copy()
    while True:
        _cover_sums(v, hidden, sums)
        weak = weak_cells(v, hidden, primary, sums, bounds, threshold)
        if not weak or not _widen(v, hidden, weak, sums, bounds):
            return tuple(bool(h) for h in hidden)


def _pick(v: np.ndarray, hidden: np.ndarray, candidates: Iterable[int]) -> int | None:
    """The cell to hide next among ``candidates``: the smallest non-zero, else a zero."""
    shown = [c for c in candidates if not hidden[c]]
    if not shown:
        return None
    return min(shown, key=lambda c: (v[c] == 0, v[c], c))


def _cover_sums(v: np.ndarray, hidden: np.ndarray, sums: tuple[Sum, ...]) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if hidden[total] + hidden[list(parts)].sum() != 1:
                continue
            chosen = _pick(v, hidden, parts)
            hidden[total if chosen is None else chosen] = True
            changed = True


def _widen(
    v: np.ndarray, hidden: np.ndarray, weak: list[int], sums: tuple[Sum, ...], bounds
) -> bool:
    """Hide one more cell beside each weak one; False if nothing is left to hide."""
    added = False
    for cell in weak:
        parts = [p for t, ps in sums if cell == t or cell in ps for p in ps]
        totals = [t for t, ps in sums if cell == t or cell in ps]
        bounding = [b for c, b in bounds if c == cell] + [c for c, b in bounds if b == cell]
        chosen = _pick(v, hidden, parts)
        if chosen is None:
            chosen = _pick(v, hidden, totals + bounding)
        if chosen is not None:
            hidden[chosen] = True
            added = True
    return added
