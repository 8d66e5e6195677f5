"""The DfE Local Authority Interactive Tool (LAIT) long format.

A LAIT download has one row per measure, year and area, with the columns
``Short Desc, Data item, Years, LA and Regions, Values, LA Number, Region``. Values are text,
``-`` where nothing is published, and some carry float artefacts (``18.399999999999999``).
Areas are identified by their DfE three-digit number (``LA Number``), which
``data/national/area_aliases.csv`` (scheme ``dfe_number``) maps to the codes of areas.csv.

What is imported, and what is not (see docs/indicators.md and data/national/SOURCES.md):

- ``FirstYJS``, first time entrants per 100,000 children aged 10-17, calendar years, as
  ``fte_rate``.
- ``ReoffYO`` and ``ReoffYO15-17`` are the reoffending rates of children aged 10-14 and
  15-17 (LAIT data dictionary). ``reoffending_rate`` is the rate of all children in the
  cohort, so neither is imported under that name.
- Known defects are refused, not repaired: the England row of ``FirstYJS`` is the sum of
  the regional rates; an aggregate (region, nation) outside the range of its members in the
  same file is refused in the same way. Dorset's figures from 2019 are filed under the
  former county's number 835, and are placed with the Dorset unitary authority.
- A row whose number is not a current area (Cumbria, Northamptonshire, Inner London...),
  whose name or region disagrees with that number's area, or whose value is not a number
  is left out with a message naming its row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from yjnb.errors import Problem
from yjnb.importers.common import (
    COUNTS_COLUMNS,
    Download,
    Parsed,
    check_value,
    plain_name,
    published_number,
    read_download,
    region_names,
)
from yjnb.stats.aggregates import half_unit, number_text

LAIT_COLUMNS = [
    "Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region",
]  # fmt: skip
MISSING = {"-", "", "x", "[x]", "c", "[c]", "z", "[z]", "..", ":"}  # "not published" markers


@dataclass(frozen=True)
class LaitMeasure:
    """A LAIT measure yjnb imports: the counts.csv measure and how LAIT labels its years."""

    measure: str
    meaning: str
    year_type: str  # the data dictionary's Year_Type


LAIT_MEASURES = {
    "FirstYJS": LaitMeasure(
        "fte_rate", "first time entrants per 100,000 children aged 10-17", "Calendar Year"
    ),
}
LAIT_NOT_IMPORTED = {
    "ReoffYO": "the reoffending rate of children aged 10-14 only (LAIT data dictionary: "
    "'Re-offending by young offenders (10-14 year olds)'), not of all children",
    "ReoffYO15-17": "the reoffending rate of children aged 15-17 only, not of all children",
}
# LAIT files the Dorset unitary's figures from 2019 under the former county's number 835 and
# leaves the unitary's own number 838 empty: DfE number -> (ONS code, first year it applies).
LAIT_NUMBER_FIXES = {"835": ("E06000059", 2019)}
# (measure, area code) rows that are published but are not what the measure says they are.
LAIT_EXCLUDED = {
    ("FirstYJS", "E92000001"): "the England row of FirstYJS is the sum of the regional "
    "rates (a known LAIT defect), not a rate",
}
LONDON_PARTS = {"inner london": "london", "outer london": "london"}


def dfe_number(text: str) -> str:
    """DfE 3-digit LA number as text: '301.0' and ' 301' both become '301'."""
    return re.sub(r"\.0$", "", str(text).strip())


def lait_period(year: str, year_type: str) -> tuple[str, str]:
    """Period of a LAIT ``Years`` value, read with the data dictionary's Year_Type.

    A calendar year Y is Y-01-01..Y-12-31. A financial year labelled Y is read as the year
    ending 31 March Y (a reoffending cohort April 2022-March 2023 is "2023").
    """
    y = int(year)
    if year_type == "Calendar Year":
        return f"{y}-01-01", f"{y}-12-31"
    if year_type == "Financial Year":
        return f"{y - 1}-04-01", f"{y}-03-31"
    raise ValueError(f"unknown LAIT Year_Type {year_type!r}")


def default_source(short: str, file_name: str) -> str:
    """The source text of an imported LAIT row."""
    meaning = LAIT_MEASURES[short].meaning
    return (
        f"DfE Local Authority Interactive Tool (LAIT) {short}: {meaning}; from YJB/MoJ Youth "
        f"Justice Statistics; imported from {file_name}"
    )


def read_lait(path: Path) -> Download:
    """Read a LAIT download (.csv, .xlsx or .ods) as text cells."""
    return read_download(path, LAIT_COLUMNS)


def parse_lait(
    download: Download,
    areas: pd.DataFrame,
    numbers: dict[str, tuple[str, str]],
    source: Callable[[str], str] | None = None,
) -> Parsed:
    """Turn LAIT rows into counts.csv rows, leaving out (with a message) what cannot be trusted.

    Parameters
    ----------
    download
        The file as read by :func:`read_lait`.
    areas
        areas.csv (code, name, type, region_code).
    numbers
        DfE number -> (area code, the name LAIT gives that number).
    source
        Short Desc -> source text; default :func:`default_source` naming the file.

    Returns
    -------
    Parsed
        Rows in COUNTS_COLUMNS (values as published, as text), warnings for rows left out,
        errors for rows that make the file untrustworthy, and notes on what was skipped.
    """
    source = source or (lambda short: default_source(short, download.path.name))
    shown, cells = download.shown, download.cells
    names = dict(zip(areas["code"], areas["name"].map(plain_name), strict=True))
    types = dict(zip(areas["code"], areas["type"], strict=True))
    region_of = region_names(areas)
    problems: list[Problem] = []
    records: dict[tuple, tuple[int, str]] = {}
    skipped: dict[str, int] = {}
    missing = 0

    def leave_out(row: int, column: str, value: str, message: str) -> None:
        problems.append(Problem(shown, message, row, column, value, severity="warning"))

    for row, short, year, name, value, number, region in cells[
        ["Short Desc", "Years", "LA and Regions", "Values", "LA Number", "Region"]
    ].itertuples(name=None):
        if short not in LAIT_MEASURES:
            skipped[short] = skipped.get(short, 0) + 1
            continue
        spec = LAIT_MEASURES[short]
        if not re.fullmatch(r"\d{4}", year):
            expected = f"a year such as 2023 ({short} is published by {spec.year_type.lower()})"
            problems.append(Problem(shown, "is not a year", row, "Years", year, expected))
            continue
        if value in MISSING:
            missing += 1
            continue
        why = check_value(spec.measure, value)
        if why:
            expected = f"a {spec.measure} as published, or '-' where there is none"
            problems.append(Problem(shown, why, row, "Values", value, expected))
            continue
        number = dfe_number(number)
        fix = LAIT_NUMBER_FIXES.get(number)
        if fix and int(year) >= fix[1]:
            code = fix[0]
        elif number in numbers:
            code, known_name = numbers[number]
            if plain_name(name) not in (plain_name(known_name), names.get(code)):
                message = f"LA Number {number} is {known_name}, not this area: row left out"
                leave_out(row, "LA and Regions", name, message)
                continue
        else:
            message = f"{name or 'this area'} is not an area of areas.csv: row left out"
            leave_out(row, "LA Number", number, message)
            continue
        stated = LONDON_PARTS.get(plain_name(region), plain_name(region))
        if types.get(code) == "la" and stated not in ("", "na") and stated != region_of[code]:
            message = f"{name} is in another region in areas.csv: row left out"
            leave_out(row, "Region", region, message)
            continue
        if (short, code) in LAIT_EXCLUDED:
            leave_out(row, "Values", value, LAIT_EXCLUDED[short, code] + ": row left out")
            continue
        start, end = lait_period(year, spec.year_type)
        key = (code, spec.measure, start, end)
        text = published_number(value)
        if key in records and float(records[key][1]) != float(text):
            first = records[key][0]
            message = f"gives {name} {year} a second value (row {first}: {records[key][1]})"
            problems.append(Problem(shown, message, row, "Values", value, "one value a year"))
            continue
        records.setdefault(key, (row, text, short))
    rows = [[*key, text, source(short)] for key, (_, text, short) in records.items()]
    frame = pd.DataFrame(rows, columns=COUNTS_COLUMNS)
    frame, out = _implausible_aggregates(frame, records, areas, shown)
    notes = [
        f"{n} rows of {s} not imported: {LAIT_NOT_IMPORTED.get(s, 'not a measure yjnb uses')}"
        for s, n in sorted(skipped.items())
    ]
    if missing:
        notes.append(f"{missing} rows with no published value ('-') skipped")
    return Parsed(frame, problems + out, notes)


def _implausible_aggregates(
    frame: pd.DataFrame, records: dict, areas: pd.DataFrame, shown: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Leave out region and nation rates outside the range of their members in the file."""
    region_code = dict(zip(areas["code"], areas["region_code"].fillna(""), strict=True))
    types = dict(zip(areas["code"], areas["type"], strict=True))
    problems, drop = [], []
    for index, (code, measure, start, end, text, _) in frame.iterrows():
        if types.get(code) not in ("region", "nation"):
            continue
        member_rows = frame[
            (frame["measure"] == measure)
            & (frame["period_start"] == start)
            & (frame["area_code"].map(region_code) == code)
        ]
        if len(member_rows) < 2:
            continue
        values = member_rows["value"].astype(float)
        value = float(text)
        margin = max(half_unit(v) for v in [value, *values])
        if values.min() - margin <= value <= values.max() + margin:
            continue
        message = (
            f"{measure} {start[:4]} is {number_text(value)}, outside the range of its "
            f"{len(values)} member areas in this file ({number_text(values.min())} to "
            f"{number_text(values.max())})"
        )
        if abs(value - values.sum()) <= margin * len(values):
            message += f"; it equals their sum ({number_text(values.sum())}), so it is not a rate"
        row = records[code, measure, start, end][0]
        problems.append(
            Problem(shown, message + ": row left out", row, "Values", text, severity="warning")
        )
        drop.append(index)
    return frame.drop(index=drop).reset_index(drop=True), problems
