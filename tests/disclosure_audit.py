"""An auditor of published tables, independent of yjnb.present.suppress: what can a reader
work out?

Given a public table (as published, with [c] for hidden figures), the board's version of it
(the true figures) and the relations a reader knows, it finds every hidden count that can
be narrowed to fewer than three whole numbers (recovered exactly, or to one of two), by
integer programming over all the relations at once: counts are whole, and a hidden count
is at least 1, since zeros are never hidden (checked). It shares no code with the
suppression it checks.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

HIDDEN = "[c]"


def is_hidden(value) -> bool:
    return isinstance(value, str) and value.strip() == HIDDEN


class Reader:
    """What a reader of the public tables knows: cells, shown or hidden, and relations."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.truth: dict[tuple, float] = {}
        self.hidden: set[tuple] = set()
        self.shown: set[tuple] = set()
        self.equations: list[tuple[dict[tuple, float], float]] = []
        self.at_most: list[tuple[tuple, tuple]] = []

    def cell(self, key: tuple, true_value, shown_value) -> None:
        """A count: its true (board) value, and what a public table shows of it.

        A count can appear in several tables: it is hidden only if no table shows it.
        """
        true_value = float(true_value)
        if key in self.truth and self.truth[key] != true_value:
            raise AssertionError(f"{key}: two true values {self.truth[key]}, {true_value}")
        self.truth[key] = true_value
        if is_hidden(shown_value):
            self.hidden.add(key)
        elif shown_value is not None and not (
            isinstance(shown_value, float) and math.isnan(shown_value)
        ):
            assert float(shown_value) == true_value, f"{key}: shows {shown_value}, is {true_value}"
            self.shown.add(key)

    def sum(self, total: tuple, parts: list[tuple]) -> None:
        """The reader knows ``total`` is the sum of ``parts`` (keys not known are dropped).

        A relation the true figures break (a return whose measures disagree, published as
        given) tells a reader nothing true, and is left out.
        """
        parts = [p for p in parts if p in self.truth]
        holds = total in self.truth and self.truth[total] == sum(self.truth[p] for p in parts)
        if parts and holds:
            row = {total: 1.0}
            for p in parts:
                row[p] = row.get(p, 0.0) - 1.0
            self.equations.append((row, 0.0))

    def bound(self, key: tuple, upper: tuple) -> None:
        """The reader knows the count at ``key`` is at most the count at ``upper``."""
        if key in self.truth and upper in self.truth:
            self.at_most.append((key, upper))

    def recoverable(self) -> list[str]:
        """Every hidden count a reader can narrow to fewer than three whole numbers."""
        unknown = sorted(self.hidden - self.shown, key=str)
        zeros = [k for k in unknown if self.truth[k] == 0]
        assert not zeros, f"zeros hidden, though a reader takes every [c] to be 1 or more: {zeros}"
        index = {k: i for i, k in enumerate(unknown)}
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for row, rhs in self.equations:
            coefs = np.zeros(len(unknown))
            constant = rhs
            for key, c in row.items():
                if key in index:
                    coefs[index[key]] += c
                else:
                    constant -= c * self.truth[key]
            if coefs.any():
                a_eq.append(coefs)
                b_eq.append(constant)
        for key, upper in self.at_most:
            coefs = np.zeros(len(unknown))
            constant = 0.0
            for k, c in ((key, 1.0), (upper, -1.0)):
                if k in index:
                    coefs[index[k]] += c
                else:
                    constant -= c * self.truth[k]
            if coefs.any():
                a_ub.append(coefs)
                b_ub.append(constant)
        found = []
        for key, i in index.items():
            lo, hi = self._extreme(i, len(unknown), a_eq, b_eq, a_ub, b_ub)
            value = self.truth[key]
            if hi - lo == 0:
                found.append(f"{key} = {value:.0f} can be worked out (only {lo:.0f} fits)")
            elif hi - lo == 1:
                found.append(f"{key} is known to be {lo:.0f} or {hi:.0f}")
        return found

    @staticmethod
    def _extreme(i, n, a_eq, b_eq, a_ub, b_ub) -> tuple[float, float]:
        if not a_eq and not a_ub:
            return 1.0, math.inf
        rows = [*a_eq, *a_ub]
        low = [*b_eq, *([-math.inf] * len(a_ub))]
        high = [*b_eq, *b_ub]
        problem = {
            "constraints": LinearConstraint(np.array(rows), low, high),
            "integrality": np.ones(n),
            "bounds": Bounds(np.ones(n), np.full(n, 1e6)),
        }
        c = np.zeros(n)
        c[i] = 1.0
        least = milp(c, **problem)
        most = milp(-c, **problem)
        assert least.status == 0 and most.status == 0, "the relations do not hold"
        high_value = round(most.x[i])
        return float(round(least.x[i])), (math.inf if high_value >= 1e6 else float(high_value))
