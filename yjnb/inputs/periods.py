"""Period labels: the one definition of financial years, quarters and how periods are named.

The youth justice year is the financial year, April to March. ``2023-24`` runs from
1 April 2023 to 31 March 2024, and its quarters are Q1 April-June, Q2 July-September,
Q3 October-December and Q4 January-March (the last falls in the calendar year 2024).
"""

from __future__ import annotations

import datetime
import re

FINANCIAL_YEAR_RE = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})$")
QUARTER_RE = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2}) Q(?P<quarter>[1-4])$")

_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
# Fixed English names: strftime("%b") would follow the machine's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _start_year(match: re.Match[str], label: str) -> int:
    start = int(match["start"])
    if int(match["end"]) != (start + 1) % 100:
        raise ValueError(
            f"{label!r}: the second year must follow the first (e.g. "
            f"{financial_year_label(start)!r})"
        )
    return start


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def parse_financial_year(label: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a financial year.

    Parameters
    ----------
    label
        A financial year written ``2024-25``.

    Returns
    -------
    tuple of datetime.date
        ``(2024-04-01, 2025-03-31)`` for ``2024-25``.

    Raises
    ------
    ValueError
        If the label is not in that form or the two years are not consecutive.
    """
    match = FINANCIAL_YEAR_RE.match(label) if isinstance(label, str) else None
    if match is None:
        raise ValueError(f"{label!r} is not a financial year written like '2024-25'")
    start = _start_year(match, label)
    return datetime.date(start, 4, 1), datetime.date(start + 1, 3, 31)


def parse_quarter(label: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a financial-year quarter.

    Parameters
    ----------
    label
        A quarter written ``2023-24 Q1`` (Q1 is April to June, Q4 January to March).

    Returns
    -------
    tuple of datetime.date
        ``(2023-04-01, 2023-06-30)`` for ``2023-24 Q1``; ``(2024-01-01, 2024-03-31)``
        for ``2023-24 Q4``.

    Raises
    ------
    ValueError
        If the label is not in that form or the two years are not consecutive.
    """
    match = QUARTER_RE.match(label) if isinstance(label, str) else None
    if match is None:
        raise ValueError(f"{label!r} is not a quarter written like '2023-24 Q1'")
    start_year = _start_year(match, label)
    quarter = int(match["quarter"])
    first_month, last_month = _QUARTER_MONTHS[quarter]
    year = start_year + 1 if quarter == 4 else start_year
    return datetime.date(year, first_month, 1), _month_end(year, last_month)


def is_quarter(label: object) -> bool:
    """Whether ``label`` is a valid quarter label such as ``2023-24 Q1``."""
    try:
        parse_quarter(label)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def is_financial_year(label: object) -> bool:
    """Whether ``label`` is a valid financial-year label such as ``2024-25``."""
    try:
        parse_financial_year(label)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def financial_year_label(start_year: int) -> str:
    """Label of the financial year that starts in April of ``start_year``.

    Parameters
    ----------
    start_year
        The calendar year in which the financial year starts.

    Returns
    -------
    str
        ``"2024-25"`` for 2024; ``"1999-00"`` for 1999.
    """
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def _as_date(value: datetime.date) -> datetime.date:
    # pandas Timestamps and datetimes are dates too, but compare unequal to plain dates.
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def period_label(start: datetime.date, end: datetime.date) -> str:
    """Human label for an inclusive period.

    Parameters
    ----------
    start, end
        First and last day of the period (dates, datetimes or pandas Timestamps).

    Returns
    -------
    str
        ``"2023"`` for a calendar year, ``"2023-24"`` for a financial year,
        ``"2023-24 Q1"`` for a financial-year quarter, ``"1 Apr 2023"`` for a single
        day, otherwise ``"1 Apr 2023 to 31 Mar 2024"``.
    """
    start, end = _as_date(start), _as_date(end)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    if (start.month, start.day, end.month, end.day) == (4, 1, 3, 31) and (
        end.year == start.year + 1
    ):
        return financial_year_label(start.year)
    for quarter, (first_month, last_month) in _QUARTER_MONTHS.items():
        if (
            start.day == 1
            and start.month == first_month
            and start.year == end.year
            and end == _month_end(end.year, last_month)
        ):
            fy_start = start.year - 1 if quarter == 4 else start.year
            return f"{financial_year_label(fy_start)} Q{quarter}"
    if start == end:
        return _day_label(start)
    return f"{_day_label(start)} to {_day_label(end)}"


def _day_label(day: datetime.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def previous_financial_years(plan_year: str, n: int) -> list[str]:
    """List the ``n`` financial years before a plan year, oldest first.

    Parameters
    ----------
    plan_year
        The plan's year, written ``2024-25``.
    n
        How many years to go back (0 or more).

    Returns
    -------
    list of str
        ``["2021-22", "2022-23", "2023-24"]`` for ``("2024-25", 3)``.

    Raises
    ------
    ValueError
        If ``plan_year`` is not a financial year label or ``n`` is negative.
    """
    start = parse_financial_year(plan_year)[0].year
    if n < 0:
        raise ValueError(f"cannot go back {n} years")
    return [financial_year_label(year) for year in range(start - n, start)]
