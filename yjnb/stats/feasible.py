"""What a reader can work out from published counts: feasible ranges by linear programming.

Given which counts are shown and the sums and bounds a reader knows, the least and greatest
value each hidden count can take (over non-negative values consistent with everything
shown) says whether it is protected: :func:`weak_cells` lists the ones that are not.
Used by :mod:`yjnb.present.suppress` to audit its own choice of cells to hide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

Sum = tuple[int, tuple[int, ...]]  # (position of the total, positions of its parts)
Bound = tuple[int, int]  # (cell, bound): the cell's count is at most the bound's
_EPS = 1e-6


def feasible_ranges(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound] = (),
) -> dict[int, tuple[float, float]]:
    """The least and greatest value each hidden count can take, given everything shown.

    Parameters
    ----------
    values
        Every count (hidden ones too: only shown ones are used).
    hidden
        Which counts are hidden.
    sums, bounds
        The relations a reader knows: see :class:`Counts`.

    Returns
    -------
    dict
        Position of each hidden count to ``(lowest, highest)`` over all non-negative
        values consistent with what is shown (``inf`` when nothing bounds it).
    """
    return _ranges(values, hidden, sums, bounds)


def _ranges(
    values: Sequence[float],
    hidden: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound],
    primary: Sequence[bool] | None = None,
    threshold: int = 0,
) -> dict[int, tuple[float, float]]:
    # With ``primary``, a least value that cannot change the audit is not sought (see _range).
    v = np.asarray(values, dtype=float)
    unknown = {p: i for i, p in enumerate(np.flatnonzero(np.asarray(hidden, dtype=bool)))}
    equations, inequalities = [], []
    for total, parts in sums:
        row = {total: 1.0}
        for p in parts:
            row[p] = row.get(p, 0.0) - 1.0
        equations.append(row)
    for cell, bound in bounds:
        inequalities.append({cell: 1.0, bound: -1.0})
    rows = [(r, "eq") for r in equations] + [(r, "ub") for r in inequalities]
    # Rows in terms of the hidden counts only; shown counts move to the right-hand side.
    linear = []
    for row, kind in rows:
        coefs = {unknown[p]: c for p, c in row.items() if p in unknown and c}
        rhs = -sum(c * v[p] for p, c in row.items() if p not in unknown)
        if coefs:
            linear.append((coefs, rhs, kind))
    position = {i: int(p) for p, i in unknown.items()}
    known = None
    if primary is not None:
        known = {i: (v[p], threshold, bool(primary[p])) for i, p in position.items()}
    ranges = {}
    for component in components(len(unknown), [coefs for coefs, _, _ in linear]):
        ranges.update(_component_ranges(component, linear, known))
    return {position[i]: r for i, r in ranges.items()}


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


def _component_ranges(
    component: list[int], linear: list, known: dict | None
) -> dict[int, tuple[float, float]]:
    local = {u: j for j, u in enumerate(component)}
    rows = [row for row in linear if next(iter(row[0])) in local]
    if not rows:
        return {u: (0.0, math.inf) for u in component}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for coefs, rhs, kind in rows:
        dense = np.zeros(len(component))
        for u, c in coefs.items():
            dense[local[u]] = c
        (a_eq if kind == "eq" else a_ub).append(dense)
        (b_eq if kind == "eq" else b_ub).append(rhs)
    problem = {
        "A_eq": np.array(a_eq) if a_eq else None,
        "b_eq": np.array(b_eq) if b_eq else None,
        "A_ub": np.array(a_ub) if a_ub else None,
        "b_ub": np.array(b_ub) if b_ub else None,
        "bounds": (0, None),
        "method": "highs",
    }
    ranges: dict[int, tuple[float, float]] = {}
    reached = np.zeros(len(component))  # the most each unknown has been seen to take
    for u, j in local.items():
        if known is not None and _settled(reached[j], known[u]):
            ranges[u] = (0.0, float(reached[j]))  # a value seen already settles the audit
            continue
        ranges[u], solution = _range(j, len(component), problem, known[u] if known else None)
        if solution is not None:
            np.maximum(reached, solution, out=reached)
    return ranges


def _settled(highest: float, known: tuple) -> bool:
    """Whether a cell that can reach ``highest`` is protected, whatever its least value.

    A cell that can be larger than its true value is not recovered, and a small count that
    can exceed the threshold is not known to be small.
    """
    value, threshold, primary = known
    return highest >= value + 1 - _EPS and (not primary or highest >= threshold + 1 - _EPS)


def _range(
    j: int, size: int, problem: dict, known: tuple | None
) -> tuple[tuple[float, float], np.ndarray | None]:
    """Least and greatest value of unknown ``j``, and a solution reaching the greatest.

    With ``known`` (its true value, the threshold and whether it is a small count), the
    least value is only sought when the greatest does not already settle the audit
    (:func:`_settled`). Every solution found is a set of values a reader cannot rule out,
    so it can settle other cells too: with ``known``, a cell's greatest value may then be
    reported as one it can reach rather than the greatest.
    """
    from scipy.optimize import linprog  # imported here: only public builds with counts use it

    objective = np.zeros(size)
    objective[j] = -1.0
    high = linprog(objective, **problem)
    if high.status == 2:
        raise ValueError("counts do not satisfy their own sums")
    highest = -high.fun if high.status == 0 else math.inf
    solution = high.x if high.status == 0 else None
    if known is not None and _settled(highest, known):
        return (0.0, highest), solution  # the least value cannot change the verdict
    low = linprog(-objective, **problem)
    lowest = low.fun if low.status == 0 else 0.0
    return (lowest, highest), solution


def weak_cells(
    values: Sequence[float],
    hidden: Sequence[bool],
    primary: Sequence[bool],
    sums: Iterable[Sum],
    bounds: Iterable[Bound],
    threshold: int,
) -> list[int]:
    """Hidden counts that are not protected by what else is hidden.

    A hidden count is unprotected if the range of values it can take holds one whole
    number only (it can be recovered), or, for a count from 1 to the threshold, if every
    value it can take is from 1 to the threshold (it is known to be small and not zero).
    """
    weak = []
    found = _ranges(values, hidden, sums, bounds, primary, threshold)
    for position, (lowest, highest) in found.items():
        least = math.ceil(lowest - _EPS)
        most = highest if math.isinf(highest) else math.floor(highest + _EPS)
        if most - least < 1 or (primary[position] and least >= 1 and most <= threshold):
            weak.append(position)
    return sorted(weak)
