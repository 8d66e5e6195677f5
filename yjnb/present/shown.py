"""How figures from local data are written: counts, percentages and changes in words.

One definition each, so every table and chart of the appendix says a change the same way:
an arrow, a word and a number (``▲ up 3``), never the arrow or a colour alone. Where a
figure is a percentage, the arrow and the word follow the percentage, in points, and the
change in the count comes second (``▲ up 4.2 points (6 fewer children)``): the arrow says
what the indicator measures. Whether a change is better or worse follows the indicator's
polarity (``higher`` or ``lower`` is better, or ``neither``), in words and a symbol.
"""

from __future__ import annotations

from decimal import Decimal

from yjnb.present.suppress import SUPPRESSED
from yjnb.stats.rounding import half_up

NOT_REPORTED = "—"
UP, DOWN, SAME = "▲", "▼", "●"
CHILDREN = ("child", "children")
POLARITIES = ("higher", "lower", "neither")
BETTER, WORSE, NO_CHANGE, NOT_RATED = "✓ better", "✗ worse", "● no change", "not rated"


def _exact_percent(count: int | None, total: int | None) -> Decimal | None:
    if count is None or total is None or total == 0:
        return None
    return Decimal(int(count)) * 100 / Decimal(int(total))


def _one_place(value: Decimal) -> Decimal:
    # Half up, that is away from zero: a fall is rounded as a rise of the same size is.
    return half_up(value, 1)


def percent(count: int | None, total: int | None) -> Decimal | None:
    """``count`` as a percentage of ``total`` to one decimal place (half up), or None."""
    exact = _exact_percent(count, total)
    return None if exact is None else _one_place(exact)


def percent_text(value: Decimal | None, hidden: bool = False) -> str:
    """A percentage as shown: ``95.7%``, ``[c]`` if hidden, ``—`` if there is none."""
    if hidden:
        return SUPPRESSED
    return NOT_REPORTED if value is None else f"{value}%"


def with_percent(count: str, share: str) -> str:
    """A count and its percentage in one cell: ``22 (95.7%)``."""
    if share in (NOT_REPORTED, SUPPRESSED, "") or count in (NOT_REPORTED, SUPPRESSED):
        return count
    return f"{count} ({share})"


def change_words(now: int | float | None, before: int | float | None, unit: str = "") -> str:
    """A change in words, numbers and an arrow: ``▲ up 3``, ``▼ down 1.5``, ``● no change``."""
    if now is None or before is None:
        return NOT_REPORTED
    difference = now - before
    if difference == 0:
        return f"{SAME} no change"
    size = f"{abs(difference):,}" if isinstance(difference, int) else f"{abs(difference):,.1f}"
    word = "up" if difference > 0 else "down"
    return f"{UP if difference > 0 else DOWN} {word} {size}{unit}"


def points(
    now: tuple[int | None, int | None], before: tuple[int | None, int | None]
) -> Decimal | None:
    """Change between two shares, ``(count, total)`` each, in percentage points, or None.

    Computed from the exact fractions, then rounded to one decimal place (half up): 28 of
    30 after 22 of 23 is -2.32 points, shown -2.3, not the -2.4 between the rounded
    percentages 93.3 and 95.7.
    """
    share, earlier = _exact_percent(*now), _exact_percent(*before)
    if share is None or earlier is None:
        return None
    return _one_place(share - earlier)


def points_text(value: Decimal | None) -> str:
    """A change in percentage points: ``+4.2 points``, ``-1.0 points``, ``no change``."""
    if value is None:
        return ""
    if value == 0:
        return "no change in the percentage"
    return f"{'+' if value > 0 else '-'}{abs(value)} points"


def points_words(value: Decimal) -> str:
    """A change in percentage points led by its arrow: ``▲ up 4.2 points``."""
    if value == 0:
        return f"{SAME} no change in the percentage"
    return f"{UP if value > 0 else DOWN} {'up' if value > 0 else 'down'} {abs(value)} points"


def count_words(difference: int, noun: tuple[str, str] = CHILDREN) -> str:
    """A change in a count as a phrase: ``6 fewer children``, ``1 more child``."""
    if difference == 0:
        return f"same number of {noun[1]}"
    size = abs(difference)
    return f"{size:,} {'more' if difference > 0 else 'fewer'} {noun[0] if size == 1 else noun[1]}"


def change_text(
    now: int | None,
    before: int | None,
    hidden: bool,
    share_change: Decimal | None = None,
    noun: tuple[str, str] = CHILDREN,
) -> str:
    """The change shown in a table cell, or ``[c]`` if hidden.

    With a change in percentage points, the arrow and word follow it and the count comes
    second: 14 of 21 (66.7%) after 20 of 32 (62.5%) is ``▲ up 4.2 points (6 fewer
    children)``, the share having risen while the count fell. Without one (a count that is
    not a share of a total, or whose percentage is not shown), the count: ``▲ up 2``.
    """
    if hidden:
        return SUPPRESSED
    if now is None or before is None:
        return NOT_REPORTED
    if share_change is None:
        return change_words(now, before)
    difference = now - before
    if share_change == 0 and difference == 0:
        return f"{SAME} no change"
    return f"{points_words(share_change)} ({count_words(difference, noun)})"


def judgement(difference: int | float | Decimal | None, better: str, hidden: bool = False) -> str:
    """Whether a change is better or worse, in a word and a symbol, for the polarity given.

    ``better`` is ``higher`` (a rise is better), ``lower`` (a fall is better) or
    ``neither`` (the figure describes the children, and is not a target): ``✓ better``,
    ``✗ worse``, ``● no change``, ``not rated``; ``—`` without a change, ``[c]`` if hidden.
    """
    if better not in POLARITIES:
        raise ValueError(f"unknown polarity {better!r}: one of {', '.join(POLARITIES)}")
    if better == "neither":  # says nothing of the change, so nothing of a hidden one
        return NOT_RATED
    if hidden:
        return SUPPRESSED
    if difference is None:
        return NOT_REPORTED
    if difference == 0:
        return NO_CHANGE
    return BETTER if (difference > 0) == (better == "higher") else WORSE
