"""The YJB's local-level open data tables (Youth Justice Statistics).

Each table has a data sheet with one row per youth justice service, financial year and
breakdown, the columns ``Financial_Year, YJS, England_Wales, Wales or English Region`` (older
releases: ``Region``), ``PCC``, the breakdown columns and one count column. The count column
says what the table counts, and so which counts.csv measure (if any) it can feed:

``Number_Cautioned_Sentenced`` (Outcome table)
    cautions and sentences by tier; the rows of the tier ``Custody`` are custodial
    sentences, imported as ``custody`` (the numerator of the YJB custody rate).
``Number_Children`` (Children table)
    children cautioned or sentenced. This is not first time entrants (most of these
    children have offended before) and no counts.csv measure counts it, so it is refused.
``Number_Offences`` (Offence table)
    proven offences: no counts.csv measure counts it, so it is refused.

Services are matched by name to areas.csv, directly or through the ``yjb_name`` aliases of
``data/national/area_aliases.csv`` (the YJB's own spellings, such as ``Kingston-upon-Hull``).
A service that cannot be matched, whose region disagrees with areas.csv, or whose count is
withheld in any row is left out with a message rather than guessed at. Counts are summed
over a service's breakdown rows for each year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from yjnb.errors import InputError, Problem
from yjnb.importers.common import (
    COUNTS_COLUMNS,
    Download,
    Parsed,
    check_value,
    plain_name,
    read_download,
    region_names,
)
from yjnb.inputs.periods import is_financial_year, parse_financial_year

REQUIRED = ["Financial_Year", "YJS"]
REGION_COLUMNS = ("Wales or English Region", "Region")
WITHHELD = {"c", "[c]", "*", "x", "[x]", "z", "[z]", ".."}
AMBIGUOUS = "ambiguous"
UNKNOWN_SERVICE = "is not a service of areas.csv or a yjb_name alias in area_aliases.csv"


@dataclass(frozen=True)
class YjbTable:
    """A count column yjnb imports, and the rows of the table that count towards it."""

    measure: str
    meaning: str
    filter_column: str | None = None
    filter_value: str | None = None


YJB_TABLES = {
    "Number_Cautioned_Sentenced": YjbTable(
        "custody", "custodial sentences (rows of Caution_or_sentence_tier 'Custody')",
        "Caution_or_sentence_tier", "Custody",
    ),
}  # fmt: skip
YJB_REFUSED = {
    "Number_Children": "it counts children cautioned or sentenced, which is neither first "
    "time entrants (most of them have offended before) nor any other measure of counts.csv",
    "Number_Offences": "it counts proven offences, which is not a measure of counts.csv",
}


def read_yjb(path: Path) -> Download:
    """Read a YJB local-level table (.ods, .xlsx or .csv): the sheet with the data header."""
    return read_download(path, REQUIRED, tuple(YJB_TABLES) + tuple(YJB_REFUSED))


def parse_yjb(download: Download, areas: pd.DataFrame, aliases: pd.DataFrame) -> Parsed:
    """Turn a YJB local-level table into counts.csv rows, one per service and year.

    Parameters
    ----------
    download
        The table as read by :func:`read_yjb`.
    areas
        areas.csv (code, name, type, region_code).
    aliases
        area_aliases.csv; rows of scheme ``yjb_name`` name services as the YJB does.

    Raises
    ------
    InputError
        If the count column is one yjnb does not import, or a column it needs is missing.
    """
    cells, shown = download.cells, download.shown
    column = next(c for c in cells.columns if c in YJB_TABLES or c in YJB_REFUSED)
    if column in YJB_REFUSED:
        message = f"is a table yjnb does not import: {YJB_REFUSED[column]}"
        raise InputError([Problem(shown, message, column=column)])
    table = YJB_TABLES[column]
    if table.filter_column and table.filter_column not in cells.columns:
        expected = f"a column {table.filter_column} next to {column}"
        missing = Problem(
            shown, "column is missing", column=table.filter_column, expected=expected
        )
        raise InputError([missing])
    match = _matcher(areas, aliases)
    region_of = region_names(areas)
    region_column = next((c for c in REGION_COLUMNS if c in cells.columns), None)
    problems: list[Problem] = []
    totals: dict[tuple[str, str], float] = defaultdict(float)
    bad: dict[tuple[str, str], str] = {}  # (code, year) withheld, with the reason
    names: dict[str, set[str]] = defaultdict(set)
    used = skipped = 0
    left_out_services: set[str] = set()

    def leave_out(row: int, col: str, value: str, message: str) -> None:
        problems.append(Problem(shown, message, row, col, value, severity="warning"))

    for row, record in cells.iterrows():
        if table.filter_column and not _same(record[table.filter_column], table.filter_value):
            skipped += 1
            continue
        year, service = record["Financial_Year"], record["YJS"]
        if not is_financial_year(year):
            expected = "a financial year such as 2023-24"
            message = "is not a financial year"
            problems.append(Problem(shown, message, row, "Financial_Year", year, expected))
            continue
        code = match.get(plain_name(service))
        if code is None or code == AMBIGUOUS:
            if service not in left_out_services:
                why = "matches more than one area" if code else UNKNOWN_SERVICE
                leave_out(row, "YJS", service, f"{why}: its rows are left out")
                left_out_services.add(service)
            continue
        region = record[region_column] if region_column else ""
        if region and plain_name(region) != region_of.get(code, "") and region_of.get(code):
            if service not in left_out_services:
                message = f"{service} is not in this region in areas.csv: its rows are left out"
                leave_out(row, region_column, region, message)
                left_out_services.add(service)
            continue
        value = record[column]
        if value.casefold() in WITHHELD:
            bad.setdefault((code, year), f"row {row} withholds its count ({value!r})")
            continue
        why = check_value(table.measure, value)
        if why:
            expected = "a count: a whole number, zero or more"
            problems.append(Problem(shown, why, row, column, value, expected))
            continue
        totals[code, year] += float(value)
        names[code].add(service)
        used += 1
    for (code, year), why in sorted(bad.items()):
        if (code, year) in totals:
            del totals[code, year]
        message = f"{code} {year}: {why}, so its total cannot be known; left out"
        leave_out(None, column, None, message)
    source = (
        f"YJB Youth Justice Statistics, local-level open data ({download.shown}): "
        f"{table.meaning}, {column} summed over each service's rows"
    )
    rows = []
    for (code, year), total in sorted(totals.items()):
        start, end = parse_financial_year(year)
        period = [start.isoformat(), end.isoformat()]
        rows.append([code, table.measure, *period, f"{total:.0f}", source])
    notes = [f"{used} rows summed into {len(rows)} {table.measure} counts"]
    if skipped:
        notes.append(f"{skipped} rows of other {table.filter_column} values not counted")
    return Parsed(pd.DataFrame(rows, columns=COUNTS_COLUMNS), problems, notes)


def _matcher(areas: pd.DataFrame, aliases: pd.DataFrame) -> dict[str, str]:
    """Plain service name -> area code ('ambiguous' where a name fits two areas).

    An authority's own name means that authority (older tables list the members of today's
    joint services separately), except where a joint service carries the same name as one
    of its members (Cornwall, Leicestershire): the YJB reports by service, so the name
    means the service.
    """
    options: dict[str, set[str]] = defaultdict(set)
    services = areas[areas["type"].isin(["la", "yjs"])]
    for code, name in zip(services["code"], services["name"], strict=True):
        options[plain_name(name)].add(code)
    named = aliases[aliases["scheme"] == "yjb_name"]
    for alias, code in zip(named["alias"], named["area_code"], strict=True):
        options[plain_name(alias)].add(code)
    service_of = dict(zip(areas["code"], areas["yjs_code"], strict=True))
    found = {}
    for name, codes in options.items():
        joint = {c for c in codes if c in service_of.values() and c}
        if len(joint) == 1 and all(c in joint or service_of.get(c) in joint for c in codes):
            codes = joint
        found[name] = next(iter(codes)) if len(codes) == 1 else AMBIGUOUS
    return found


def _same(text: str, wanted: str) -> bool:
    return plain_name(text) == plain_name(wanted)
