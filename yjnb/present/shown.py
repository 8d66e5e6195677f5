"""How figures from local data are written: counts, percentages and changes in words.

One definition each, so every table and chart of the appendix says a change the same way:
an arrow, a word and a number (``▲ up 3``), never the arrow or a colour alone.
"""

from __future__ import annotations

from decimal import Decimal

from yjnb.present.suppress import SUPPRESSED
from yjnb.stats.rounding import half_up

NOT_REPORTED = "—"
UP, DOWN, SAME = "▲", "▼", "●"


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


def change_text(
    now: int | None,
    before: int | None,
    hidden: bool,
    share_change: Decimal | None = None,
) -> str:
    """The change shown in a table cell: ``▲ up 2 (+1.3 points)``, or ``[c]`` if hidden."""
    if hidden:
        return SUPPRESSED
    words = change_words(now, before)
    extra = points_text(share_change)
    return f"{words} ({extra})" if extra and words != NOT_REPORTED else words
