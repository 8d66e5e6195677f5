"""What a reader can work out from published counts: the whole numbers a withheld count can be.

A reader of the public profile knows every count it shows, the sums and bounds that tie
counts together (a total and its parts, a year and its quarters, "of those" measures), and
what the published rules say: counts are whole numbers, and a withheld count (``[c]``) is at
least 1, since zeros are never withheld. Given that, the least and greatest whole number
each withheld count can take is found by mixed-integer linear programming (HiGHS, through
:func:`scipy.optimize.milp`).

The protection rule (docs/kpis.md, *Public and board versions*) that
:func:`unprotected` applies to every withheld count: the whole numbers a reader cannot rule
out for it span at least :data:`PROTECTION` (2), so it is never pinned to one value, nor to
two (``1 or 2`` says as much as ``1``), whatever the reader combines.

Used by :mod:`yjnb.present.suppress` to choose the cells to withhold, and by every public
build, which refuses to publish a table that breaks the rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

Sum = tuple[int, tuple[int, ...]]  # (position of the total, positions of its parts)
Bound = tuple[int, int]  # (cell, bound): the cell's count is at most the bound's
# No count is larger (inputs over 1,000,000 are refused): a range reaching it is unbounded.
CEILING = 1_000_000
# The protection interval: a reader never narrows a withheld count to fewer than three
# whole numbers (its least and greatest possible values are at least 2 apart).
PROTECTION = 2
_EPS = 1e-6


@dataclass(frozen=True)
class Rows:
    """The relations a reader can use, in terms of the withheld counts of one component."""

    cells: tuple[int, ...]  # positions of the withheld counts, in the order of the columns
    matrix: csr_array
    lower: np.ndarray
    upper: np.ndarray


def feasible_ranges(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound] = (),
    least: int = 1,
) -> dict[int, tuple[float, float]]:
    """The least and greatest whole number each withheld count can take, given what is shown.

    Parameters
    ----------
    values
        Every count (withheld ones too: only shown ones are used).
    hidden
        Which counts are withheld.
    sums, bounds
        The relations a reader knows: ``(total, parts)`` and ``(cell, bound)`` positions.
    least
        The least value a withheld count can take: 1 when zeros are never withheld.

    Returns
    -------
    dict
        Position of each withheld count to ``(lowest, highest)`` (``inf`` when nothing
        bounds it).
    """
    found = {}
    for rows in relations(values, hidden, sums, bounds):
        for j, cell in enumerate(rows.cells):
            found[cell] = _extremes(rows, j, least)
    return found


def relations(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound],
    only: int | None = None,
) -> list[Rows]:
    """The relations among withheld counts, one :class:`Rows` per group tied together.

    A withheld count that no relation ties to another is a group of its own, with no rows.
    With ``only`` (a withheld count's position), the group holding it alone.
    """
    v = np.asarray(values, dtype=float)
    mask = np.asarray(hidden, dtype=bool)
    unknown = {int(p): i for i, p in enumerate(np.flatnonzero(mask))}
    linear = []  # (coefficients by unknown, lower, upper)
    for total, parts in sums:
        row = {total: 1.0}
        for p in parts:
            row[p] = row.get(p, 0.0) - 1.0
        linear.append(_known(row, v, unknown, equal=True))
    for cell, bound in bounds:
        linear.append(_known({cell: 1.0, bound: -1.0}, v, unknown, equal=False))
    linear = [row for row in linear if row[0]]
    groups = components(len(unknown), [coefs for coefs, _, _ in linear])
    member = {u: g for g, group in enumerate(groups) for u in group}
    by_group: list[list] = [[] for _ in groups]
    for row in linear:
        by_group[member[next(iter(row[0]))]].append(row)
    position = {i: p for p, i in unknown.items()}
    found = []
    for group, rows in zip(groups, by_group, strict=True):
        if only is not None and unknown.get(only) not in group:
            continue
        local = {u: j for j, u in enumerate(group)}
        entries = [
            (r, local[u], c) for r, (coefs, _, _) in enumerate(rows) for u, c in coefs.items()
        ]
        r_, c_, x_ = zip(*entries, strict=True) if entries else ((), (), ())
        matrix = csr_array((x_, (r_, c_)), shape=(len(rows), len(group)))
        found.append(
            Rows(
                cells=tuple(position[u] for u in group),
                matrix=matrix,
                lower=np.array([low for _, low, _ in rows]),
                upper=np.array([high for _, _, high in rows]),
            )
        )
    return found


def _known(row: dict[int, float], v: np.ndarray, unknown: dict[int, int], equal: bool) -> tuple:
    """A relation with the shown counts moved to its constant side."""
    coefs = {unknown[p]: c for p, c in row.items() if p in unknown and c}
    rhs = -sum(c * v[p] for p, c in row.items() if p not in unknown)
    return coefs, (rhs if equal else -np.inf), rhs


def components(n: int, rows: Iterable[Iterable[int]]) -> list[list[int]]:
    """Positions 0..n-1 grouped by the rows that tie them together (each row a group)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for coefs in rows:
        first, *rest = coefs
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _solve(rows: Rows, objective: np.ndarray, least: int) -> tuple[float, np.ndarray | None]:
    """The optimum of ``objective`` over the whole values a reader cannot rule out.

    Returns the optimum (for one column, its least or greatest value: ``inf`` for a
    greatest value at the ceiling) and the values of every column there.
    """
    size = len(rows.cells)
    single = np.flatnonzero(objective)
    if not rows.matrix.shape[0]:
        if len(single) == 1 and objective[single[0]] < 0:
            return math.inf, None
        return float(least), None
    result = milp(
        objective,
        constraints=LinearConstraint(rows.matrix, rows.lower, rows.upper),
        integrality=np.ones(size),
        bounds=Bounds(np.full(size, least), np.full(size, CEILING)),
    )
    if result.status != 0 or result.x is None:
        raise ValueError(f"counts do not satisfy their own relations ({result.message})")
    solution = np.round(result.x)
    extreme = float(solution[single[0]]) if len(single) == 1 else float(result.fun)
    if len(single) == 1 and objective[single[0]] < 0 and extreme >= CEILING:
        extreme = math.inf
    return extreme, solution


def _extremes(rows: Rows, j: int, least: int) -> tuple[float, float]:
    objective = np.zeros(len(rows.cells))
    objective[j] = 1.0
    lowest = _solve(rows, objective, least)[0]
    return lowest, _solve(rows, -objective, least)[0]


def is_protected(lowest: float, highest: float, interval: int = PROTECTION) -> bool:
    """The protection rule: the whole numbers a reader cannot rule out span ``interval``."""
    return highest - lowest >= interval - _EPS


def unprotected(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound],
    interval: int = PROTECTION,
    least: int = 1,
) -> list[int]:
    """Withheld counts that break the protection rule (positions, in order).

    Every solution an integer programme finds is a set of values a reader cannot rule out,
    so a count is protected as soon as the values seen for it span the interval. Solutions
    pushing every unsettled count up together, then down together, settle most counts in
    a few programmes; the rest get their own greatest and least value.
    """
    v = np.asarray(values, dtype=float)
    weak = []
    for rows in relations(v, hidden, sums, bounds):
        weak += _weak_in(rows, v[list(rows.cells)], interval, least)
    return sorted(weak)


def _weak_in(rows: Rows, true: np.ndarray, interval: int, least: int) -> list[int]:
    """The counts of one group that break the rule (see :func:`unprotected`)."""
    seen = np.stack([true, true])  # the least and greatest value each is seen to take

    def see(solution: np.ndarray | None) -> np.ndarray:
        if solution is not None:
            np.minimum(seen[0], solution, out=seen[0])
            np.maximum(seen[1], solution, out=seen[1])
        return seen[1] - seen[0] >= interval - _EPS  # which are settled

    settled = see(None)
    for sense in (-1.0, 1.0, -1.0, 1.0):
        if settled.all() or not rows.matrix.shape[0]:
            break
        settled = see(_solve(rows, np.where(settled, 0.0, sense), least)[1])
    weak = []
    for j, cell in enumerate(rows.cells):
        for sense in (-1.0, 1.0):
            if settled[j]:
                break
            objective = np.zeros(len(rows.cells))
            objective[j] = sense
            extreme, solution = _solve(rows, objective, least)
            seen[0 if sense > 0 else 1][j] = extreme
            settled = see(solution)
        if not settled[j]:
            weak.append(cell)
    return weak


def cell_range(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound],
    cell: int,
    least: int = 1,
) -> tuple[float, float]:
    """The least and greatest whole number one withheld count can take."""
    for rows in relations(values, hidden, sums, bounds, only=cell):
        if cell in rows.cells:
            return _extremes(rows, rows.cells.index(cell), least)
    raise ValueError(f"count {cell} is not withheld")
