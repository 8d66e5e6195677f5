"""Rounding as readers expect: half up, that is halves away from zero, on the decimal value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: Decimal | float, places: int) -> Decimal:
    """``value`` to ``places`` decimal places, halves away from zero: 0.25 is 0.3, -0.25 is -0.3.

    A float is taken as the shortest decimal that reads back as it, so 0.15 rounds to 0.2 as
    it reads, not to 0.1 as its binary value (0.1499...) would.

    Parameters
    ----------
    value
        An exact decimal (such as a count divided by a total), or a float.
    places
        Decimal places to keep; 0 for a whole number.

    Returns
    -------
    Decimal
        The rounded value, with exactly ``places`` decimal places.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
