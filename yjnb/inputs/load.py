"""Load and validate every input file: national statistics and each authority's returns.

Each file is read as text (so a problem can quote the value exactly as written), checked
cell by cell against its schema (:mod:`yjnb.inputs.schemas`), checked across rows and files here,
and only then converted to typed columns. Every problem is collected before anything is
raised, so one run of ``yjnb validate`` lists them all.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from yjnb import reuse
from yjnb.errors import InputError, Problem, display_path
from yjnb.inputs.kpi_checks import check_kpi_rows, is_total, is_total_text
from yjnb.inputs.periods import (
    is_financial_year,
    is_quarter,
    parse_financial_year,
    parse_quarter,
    previous_financial_years,
)
from yjnb.inputs.schemas import (
    AREA_GROUP_TYPES,
    AREA_TYPES,
    BUDGET_MONEY_COLUMNS,
    BUDGET_TOLERANCE,
    BUDGET_TOTAL_AGENCY,
    COHORTS,
    COUNT_CEILINGS,
    COUNT_MEASURES,
    HEADLINE_CATEGORIES,
    KPI_COHORTS,
    KPI_MEASURES,
    LOCAL_FILES,
    MAX_CELL_CHARS,
    MAX_CSV_BYTES,
    MEASURES,
    NATIONAL_FILES,
    RATE_MAXIMA,
    UNKNOWN_CATEGORIES,
    FileSpec,
    check_cells,
    iso_dates,
    numbers,
)
from yjnb.inputs.tracking import track_attributes

if TYPE_CHECKING:
    from yjnb.inputs.config import PlanConfig

NOT_UTF8 = "contains characters that are not UTF-8"
_AREA_CODE = "a code from areas.csv"
_SAVE_AS_UTF8 = "text saved as UTF-8 (in Excel: Save As, then 'CSV UTF-8')"
# The first bytes of files that are often renamed .csv.
_NOT_CSV = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file renamed .csv",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an Excel 97-2003 workbook (.xls) renamed .csv",
    b"%PDF": "a PDF document renamed .csv",
}


@dataclass(frozen=True)
class NationalData:
    """Published national statistics, validated: data/national/*.csv."""

    areas: pd.DataFrame
    neighbours: pd.DataFrame
    counts: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    def area(self, code: str) -> pd.Series:
        """Return the row of areas.csv for ``code``; KeyError if there is none."""
        found = self.areas["code"].eq(code).fillna(False) if isinstance(code, str) else []
        if not any(found):
            raise KeyError(f"unknown area code {code!r}: it is not in areas.csv")
        return self.areas[found].iloc[0]


@dataclass(frozen=True)
class LocalData:
    """One authority's own returns, validated: data/local/<slug>/*.csv (None if absent)."""

    kpis: pd.DataFrame
    board_attendance: pd.DataFrame | None
    budget: pd.DataFrame | None
    cohort: pd.DataFrame | None
    population: pd.DataFrame | None
    feedback: pd.DataFrame | None
    audits: pd.DataFrame | None
    files: dict[str, Path]
    warnings: tuple[Problem, ...] = ()


# A build records which tables each section reads (yjnb.inputs.tracking).
track_attributes(NationalData, "national", {*NATIONAL_FILES, "warnings"})
track_attributes(LocalData, "local", {*LOCAL_FILES, "warnings"})


# --- reading ------------------------------------------------------------------------------


def _read_records(
    path: Path, spec: FileSpec, shown: str
) -> tuple[list[list[str]] | None, bool, list[Problem]]:
    """Read a CSV file's records, whether it was UTF-8, and why it could not be read."""
    if not path.is_file():
        return None, False, [Problem(shown, "file not found", expected=f"a file {spec.name}")]
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            message = f"is {size / 1e6:,.1f} MB, more than any return this size can be"
            return (
                None,
                False,
                [Problem(shown, message, expected=f"at most {MAX_CSV_BYTES / 1e6:g} MB")],
            )
        raw = path.read_bytes()
    except OSError as err:
        return None, False, [Problem(shown, f"cannot be read ({err.strerror})")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "is saved as UTF-16 ('Unicode text'), not as CSV in UTF-8"
        return None, False, [Problem(shown, message, expected=_SAVE_AS_UTF8)]
    kind = next((k for signature, k in _NOT_CSV.items() if raw.startswith(signature)), None)
    if kind or b"\0" in raw:
        message = f"is {kind or 'not a text file (it holds NUL bytes)'}, not CSV"
        return None, False, [Problem(shown, message, expected=_SAVE_AS_UTF8)]
    try:
        text, utf8 = raw.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        # Decoded anyway, so that each garbled cell can be located and reported.
        text, utf8 = raw.decode("utf-8-sig", errors="replace"), False
    if not text.strip():
        expected = "a header row: " + ", ".join(spec.column_names)
        return None, False, [Problem(shown, "file is empty", expected=expected)]
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        expected = "values separated by commas, with every opening quote closed"
        message = f"is not valid CSV ({err})"
        if "field limit" in str(err):  # the csv module's own bound, far above ours
            message = f"has a value of more than {csv.field_size_limit():,} characters"
            expected = f"at most {MAX_CELL_CHARS:,} characters in a cell"
        return None, False, [Problem(shown, message, len(records) + 1, None, None, expected)]
    return records, utf8, []


def _match_header(
    header: list[str], frame: pd.DataFrame, spec: FileSpec, shown: str
) -> tuple[dict[str, int], list[Problem]]:
    """Where each known column is, and what is wrong with the header."""
    positions: dict[str, int] = {}
    problems = []
    miscased = {c.casefold(): c for c in spec.column_names}
    for position, name in enumerate(header):
        if not name:
            if frame[position].ne("").any():
                message = f"column {position + 1} has no heading, so its values are ignored"
                problems.append(Problem(shown, message, severity="warning"))
        elif name in positions:
            problems.append(
                Problem(shown, "column appears more than once", None, name, None, "once")
            )
        elif name in spec.column_names:
            positions[name] = position
        elif miscased.get(name.casefold(), name) in header:  # not a miscased known column
            expected = "only the columns " + ", ".join(spec.column_names)
            problems.append(
                Problem(shown, "unexpected column, ignored", None, name, None, expected, "warning")
            )
    for col in spec.columns:
        if col.name not in positions and not col.optional_column:
            near = [h for h in header if h.casefold() == col.name.casefold() and h != col.name]
            hint = f" (found '{near[0]}': column names are lower case)" if near else ""
            expected = f"a column headed '{col.name}'"
            problems.append(
                Problem(shown, "column is missing" + hint, None, col.name, None, expected)
            )
    return positions, problems


def _read_cells(
    path: Path, spec: FileSpec, shown: str, required: bool
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a file's cells as stripped strings (blank = missing), indexed by spreadsheet row."""
    records, utf8, problems = _read_records(path, spec, shown)
    if records is None:
        return None, problems
    # Row numbers count every record, blank ones too, as a spreadsheet does.
    first = next(i for i, record in enumerate(records) if any(c.strip() for c in record))
    header = [name.strip() for name in records[first]]
    if not utf8:
        problems += _encoding_problems(records, first, header, spec, shown)
    width = len(header)
    rows, row_numbers = [], []
    for number, record in enumerate(records[first + 1 :], start=first + 2):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue  # blank lines and rows of empty cells are spreadsheet leftovers
        too_long = _long_cells(cells, number, header, spec, shown)
        if too_long:  # reported, and read as blank so that no other message quotes them
            problems += too_long
            cells = [cell if len(cell) <= MAX_CELL_CHARS else "" for cell in cells]
        if len(cells) > width and not any(cells[width:]):
            cells = cells[:width]
        if len(cells) == width:
            rows.append(cells)
            row_numbers.append(number)
            continue
        message = "has the wrong number of values (a stray comma, or a comma in unquoted text?)"
        expected = f"{width}, one for each column of the header"
        problems.append(Problem(shown, message, number, None, str(len(cells)), expected))
    frame = pd.DataFrame(rows, columns=range(width), index=row_numbers, dtype=object)
    positions, found = _match_header(header, frame, spec, shown)
    problems += found
    cells = frame[list(positions.values())].set_axis(list(positions), axis=1)
    cells = cells.mask(cells == "").astype("string")
    # A required file with its header only is a return with nothing to report (kpis.csv
    # for a year before the KPIs began): its tables say so. An optional one is noted.
    if cells.empty and not required and not any(p.row for p in problems):
        message = "has no data rows, so the tables using it are empty"
        expected = "at least one row below the header"
        problems.append(Problem(shown, message, None, None, None, expected, "warning"))
    return cells, problems


def _long_cells(
    cells: list[str], number: int, header: list[str], spec: FileSpec, shown: str
) -> list[Problem]:
    problems = []
    for position, cell in enumerate(cells):
        if len(cell) <= MAX_CELL_CHARS:
            continue
        name = header[position] if position < len(header) else None
        private = name in spec.column_names and spec.column(name).private
        message = f"is {len(cell):,} characters long" + (" (value withheld)" if private else "")
        expected = f"at most {MAX_CELL_CHARS:,} characters"
        problems.append(Problem(shown, message, number, name, None if private else cell, expected))
    return problems


def _encoding_problems(
    records: list[list[str]], first: int, header: list[str], spec: FileSpec, shown: str
) -> list[Problem]:
    problems = []
    for number, record in enumerate(records, start=1):
        for position, cell in enumerate(record):
            if "\ufffd" not in cell:
                continue
            name = header[position] if position < len(header) and number > first + 1 else None
            private = name in spec.column_names and spec.column(name).private
            value = None if private else cell.strip()
            message = NOT_UTF8 + (" (value withheld)" if private else "")
            problems.append(Problem(shown, message, number, name, value, _SAVE_AS_UTF8))
    return problems


# --- checks across rows -----------------------------------------------------------------------


def _given(cells: pd.DataFrame, *columns: str) -> bool:
    return all(c in cells.columns for c in columns)


def _flag(
    cells: pd.DataFrame, where: pd.Series, column: str, shown: str, *what: str
) -> list[Problem]:
    """One problem for each row where ``where`` holds, quoting that row's cell.

    ``what`` is the message, what was expected and, optionally, the severity.
    """
    return [
        Problem(shown, what[0], row, column, cells.at[row, column], *what[1:])
        for row in cells.index[where.fillna(False).astype(bool)]
    ]


def _duplicates(cells: pd.DataFrame, spec: FileSpec, shown: str) -> list[Problem]:
    if not spec.key or not _given(cells, *spec.key):
        return []
    # A blank in a required key column is reported as blank; in an optional one it is a value.
    required = [c for c in spec.key if spec.column(c).required]
    keys = cells[list(spec.key)].dropna(subset=required).fillna("")
    keys = keys[keys.duplicated(keep=False)]
    named = ", ".join(spec.key)
    private = any(spec.column(c).private for c in spec.key)
    first_seen: dict[tuple, int] = {}
    problems = []
    for row, key in zip(keys.index, keys.itertuples(index=False, name=None), strict=True):
        if key in first_seen:
            message = f"repeats row {first_seen[key]} (same {named})"
            expected = f"one row for each {named}"
            value = None if private else ", ".join(key)
            problems.append(Problem(shown, message, row, None, value, expected))
        first_seen.setdefault(key, row)
    return problems


def _unknown_codes(
    cells: pd.DataFrame, columns: tuple[str, ...], codes: set[str] | None, shown: str
) -> list[Problem]:
    if codes is None:
        return []  # areas.csv could not be read; that is reported already
    problems = []
    for col in (c for c in columns if c in cells.columns):
        unknown = cells[col].notna() & ~cells[col].isin(codes)
        problems += _flag(cells, unknown, col, shown, "is not a code in areas.csv", _AREA_CODE)
    return problems


def _codes(areas: pd.DataFrame | None) -> set[str] | None:
    """The area codes of areas.csv; None if it could not be read."""
    if areas is None or "code" not in areas.columns:
        return None
    return set(areas["code"].dropna())


def _check_areas(cells: pd.DataFrame, shown: str) -> list[Problem]:
    problems = _unknown_codes(cells, tuple(AREA_GROUP_TYPES), _codes(cells), shown)
    if not _given(cells, "code", "type"):
        return problems
    types = cells.dropna(subset=["code"]).drop_duplicates("code").set_index("code")["type"]
    for col, allowed in AREA_GROUP_TYPES.items():
        if col in cells.columns:
            group_type = cells[col].map(types).astype("string")
            # An unknown type is reported on its own row; a single-LA service is its own yjs.
            wrong = group_type.isin(AREA_TYPES) & ~group_type.isin(allowed)
            wrong &= cells[col] != cells["code"]
            message = "points at an area of the wrong type"
            expected = f"the code of an area of type {' or '.join(allowed)}"
            problems += _flag(cells, wrong, col, shown, message, expected, "warning")
    return problems


def _check_neighbours(cells: pd.DataFrame, shown: str, codes: set[str] | None) -> list[Problem]:
    problems = _unknown_codes(cells, ("area_code", "neighbour_code"), codes, shown)
    if _given(cells, "area_code", "neighbour_code"):
        itself = cells["area_code"] == cells["neighbour_code"]
        message = "is the area itself"
        problems += _flag(
            cells, itself, "neighbour_code", shown, message, "another area", "warning"
        )
    return problems


def _check_counts(cells: pd.DataFrame, shown: str, codes: set[str] | None) -> list[Problem]:
    problems = _unknown_codes(cells, ("area_code",), codes, shown)
    if _given(cells, "period_start", "period_end"):
        backwards = iso_dates(cells["period_start"]) > iso_dates(cells["period_end"])
        expected = "a date on or after period_start"
        problems += _flag(
            cells, backwards, "period_end", shown, "is before period_start", expected
        )
    if not _given(cells, "measure", "value"):
        return problems
    value = numbers(cells["value"])
    fractional = cells["measure"].isin(COUNT_MEASURES) & (value % 1 > 0)
    expected = "a whole number (the measure is a count)"
    problems += _flag(cells, fractional, "value", shown, "is not a whole number", expected)
    empty = (cells["measure"] == "population_10_17") & (value == 0)
    message = "is a population of zero, which no rate can be taken of"
    problems += _flag(cells, empty, "value", shown, message, "more than zero")
    for measure, maximum in RATE_MAXIMA.items():
        too_high = (cells["measure"] == measure) & (value > maximum)
        message = f"is above the highest possible {measure}"
        problems += _flag(cells, too_high, "value", shown, message, f"no more than {maximum:,}")
    if _given(cells, "area_code", "period_start", "period_end"):
        problems += _above_ceiling(cells.assign(number=value), shown)
    return problems


def _above_ceiling(cells: pd.DataFrame, shown: str) -> list[Problem]:
    period = ["area_code", "period_start", "period_end"]
    rows = cells.dropna(subset=[*period, "number"]).rename_axis("row").reset_index()
    problems = []
    for measure, ceiling in COUNT_CEILINGS.items():
        pairs = rows[rows["measure"] == measure].merge(
            rows[rows["measure"] == ceiling], on=period, suffixes=("", "_ceiling")
        )
        message = f"{measure} is above {ceiling} for the same area and period"
        for pair in pairs[pairs["number"] > pairs["number_ceiling"]].itertuples():
            expected = (
                f"no more than the {ceiling} of {pair.value_ceiling} (row {pair.row_ceiling})"
            )
            problems.append(Problem(shown, message, pair.row, "value", pair.value, expected))
    return problems


def _check_kpis(cells: pd.DataFrame, shown: str) -> list[Problem]:
    if not _given(cells, "kpi", "cohort", "measure", "category"):
        return []
    problems = []
    columns = ["kpi", "cohort", "measure", "category"]
    for row, kpi, cohort, measure, category in cells[columns].itertuples(name=None):
        # Unknown kpis, measures and cohorts are reported by the cell rules already.
        if kpi in KPI_MEASURES and measure in MEASURES and measure not in KPI_MEASURES[kpi]:
            expected = f"a measure of {kpi}: " + ", ".join(KPI_MEASURES[kpi])
            message = f"is not a measure of the kpi {kpi}"
            problems.append(Problem(shown, message, row, "measure", measure, expected))
        if kpi in KPI_COHORTS and cohort in COHORTS and cohort not in KPI_COHORTS[kpi]:
            expected = " or ".join(KPI_COHORTS[kpi]) + " (only ete has other cohorts)"
            message = f"is not a cohort of the kpi {kpi}"
            problems.append(Problem(shown, message, row, "cohort", cohort, expected))
        headline = HEADLINE_CATEGORIES.get(measure)
        stated_total = is_total_text(category)
        allowed = (*headline, *UNKNOWN_CATEGORIES) if headline else ()
        if headline and pd.notna(category) and category not in allowed and not stated_total:
            expected = (
                ", ".join(allowed[:-1])
                + f" or {allowed[-1]} (the headline figure reads {' and '.join(headline)})"
            )
            message = f"is not a category of {measure}"
            problems.append(Problem(shown, message, row, "category", category, expected))
    return problems + check_kpi_rows(cells, shown)


def _is_total_row(agency: pd.Series) -> pd.Series:
    return agency.str.casefold().eq(BUDGET_TOTAL_AGENCY.casefold()).fillna(False)


def _money_text(amount: float) -> str:
    return f"{amount:,.0f}" if amount == round(amount) else f"{amount:,.2f}"


def _check_budget(cells: pd.DataFrame, shown: str) -> list[Problem]:
    if not _given(cells, "year", "agency", *BUDGET_MONEY_COLUMNS):
        return []
    columns = [c for c in (*BUDGET_MONEY_COLUMNS, "total") if c in cells.columns]
    amounts = pd.DataFrame({c: numbers(cells[c]) for c in columns})
    # Cells that are not numbers are reported by the cell rules; sums over them would only
    # repeat that, so they are left out of every check below.
    unreadable = (cells[columns].notna() & amounts.isna()).any(axis=1)
    amounts = amounts.fillna(0)  # a blank amount is nothing
    row_sum = amounts[list(BUDGET_MONEY_COLUMNS)].sum(axis=1)
    is_total = _is_total_row(cells["agency"])
    problems = []
    if "total" in columns:
        # The Total row's own total is checked against the grand total below.
        off = ((amounts["total"] - row_sum).abs() > BUDGET_TOLERANCE) & ~unreadable & ~is_total
        message = "does not equal the sum of " + ", ".join(BUDGET_MONEY_COLUMNS)
        for row in cells.index[off]:
            expected = f"{_money_text(row_sum[row])} (computed, and used)"
            value = cells.at[row, "total"]
            problems.append(Problem(shown, message, row, "total", value, expected, "warning"))
    if not cells["year"].map(is_financial_year, na_action="ignore").fillna(False).all():
        return problems  # a row of unknown year could belong to any year's total
    for row in cells.index[is_total]:
        year = cells.at[row, "year"]
        members = (cells["year"] == year) & ~is_total
        if unreadable[members].any() or unreadable[row]:
            continue
        for col in columns:
            computed = (row_sum if col == "total" else amounts[col])[members].sum()
            if abs(amounts.at[row, col] - computed) > BUDGET_TOLERANCE:
                supplied = cells.at[row, col] if pd.notna(cells.at[row, col]) else ""
                message = f"does not equal the sum of the {col} column for {year}"
                expected = f"{_money_text(computed)} (computed, and used)"
                problems.append(Problem(shown, message, row, col, supplied, expected, "warning"))
    return problems


def _check_cohort(cells: pd.DataFrame, shown: str) -> list[Problem]:
    if not _given(cells, "disposal_start", "disposal_end"):
        return []
    backwards = iso_dates(cells["disposal_start"]) > iso_dates(cells["disposal_end"])
    expected = "a date on or after disposal_start"
    message = "is before disposal_start (value withheld: child-level data)"
    found = _flag(cells, backwards, "disposal_end", shown, message, expected)
    return [replace(p, value=None) for p in found]


# --- one file, then all files -------------------------------------------------------------------

_Extra = Callable[[pd.DataFrame, str], list[Problem]]


def _check_file(
    path: Path, spec: FileSpec, root: Path, required: bool, extra: _Extra | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read one file and return its cells with every problem in it, in row order."""
    shown = display_path(path, root)
    cells, problems = _read_cells(path, spec, shown, required)
    if cells is None or len(cells) == 0:  # no rows: said so by the reader
        return cells, problems
    # A cell the reader could not take (not UTF-8, too long) is reported once, not again
    # for what it became.
    garbled = {(p.row, p.column) for p in problems if p.row and p.column}
    later = check_cells(cells, spec, shown) + _duplicates(cells, spec, shown)
    later += extra(cells, shown) if extra else []
    problems += [p for p in later if (p.row, p.column) not in garbled]
    problems.sort(key=lambda p: p.row or 0)
    return cells, problems


def _typed(cells: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Typed columns from validated cells: text as string (<NA> for blank), numbers, dates."""
    typed = {}
    for col in spec.columns:
        if col.name not in cells.columns:
            continue
        values = cells[col.name]
        if col.kind == "number":
            typed[col.name] = numbers(values).astype("float64")
        elif col.kind == "integer":
            typed[col.name] = numbers(values).astype("Int64" if not col.required else "int64")
        elif col.kind == "date":
            typed[col.name] = iso_dates(values)
        else:
            typed[col.name] = values.astype("string")
    return pd.DataFrame(typed).reset_index(drop=True)


def _errors_raise(problems: list[Problem]) -> tuple[Problem, ...]:
    errors = [p for p in problems if p.severity == "error"]
    warnings = tuple(p for p in problems if p.severity != "error")
    if errors:
        raise InputError(errors + list(warnings))
    return warnings


def _national(data_dir: Path) -> tuple[dict[str, pd.DataFrame | None], list[Problem]]:
    data_dir = Path(data_dir)
    folder, root = data_dir / "national", data_dir.parent
    spec = NATIONAL_FILES["areas"]
    areas, problems = _check_file(folder / spec.name, spec, root, True, _check_areas)
    codes = _codes(areas)
    cells = {"areas": areas}
    for name, check in (("neighbours", _check_neighbours), ("counts", _check_counts)):
        spec = NATIONAL_FILES[name]
        extra = functools.partial(check, codes=codes)
        cells[name], found = _check_file(folder / spec.name, spec, root, True, extra)
        problems += found
    return cells, problems


def check_national(data_dir: Path) -> list[Problem]:
    """Every problem in data/national/, without raising.

    Parameters
    ----------
    data_dir
        The folder holding ``national/`` and ``local/`` (usually ``<project>/data``).

    Returns
    -------
    list of Problem
        Errors and warnings, file by file in row order; empty if all is well.
    """
    return _national(data_dir)[1]


@reuse.by_contents(lambda data_dir: [Path(data_dir) / "national"])
def load_national(data_dir: Path) -> NationalData:
    """Read and validate areas.csv, neighbours.csv and counts.csv.

    Parameters
    ----------
    data_dir
        The folder holding ``national/`` and ``local/`` (usually ``<project>/data``).

    Returns
    -------
    NationalData
        Typed frames (codes as strings, blanks as ``<NA>``, dates as datetime64, values as
        float) and any warnings.

    Raises
    ------
    InputError
        Carrying every problem found, if any is an error.
    """
    cells, problems = _national(data_dir)
    warnings = _errors_raise(problems)
    frames = {name: _typed(cells[name], spec) for name, spec in NATIONAL_FILES.items()}
    files = {
        name: Path(data_dir) / "national" / spec.name for name, spec in NATIONAL_FILES.items()
    }
    return NationalData(**frames, files=files, warnings=warnings)


_LOCAL_CHECKS: dict[str, _Extra] = {
    "kpis": _check_kpis,
    "budget": _check_budget,
    "cohort": _check_cohort,
}


def _check_kpi_periods(cells: pd.DataFrame, shown: str, config: PlanConfig) -> list[Problem]:
    # The appendix reports the year before the plan's: a later quarter would be dropped.
    if "period" not in cells.columns:
        return []
    reported = previous_financial_years(config.year, 1)[0]
    end = parse_financial_year(reported)[1]
    later = cells["period"].map(
        lambda q: is_quarter(q) and parse_quarter(q)[0] > end, na_action="ignore"
    )
    message = f"is after {reported}, the year a plan for {config.year} reports"
    expected = f"a quarter of {reported} or before (plan.yaml's year is {config.year})"
    return _flag(cells, later, "period", shown, message, expected)


def _check_board_partners(cells: pd.DataFrame, shown: str, config: PlanConfig) -> list[Problem]:
    # Attendance is of the board's partners; one not on plan.yaml's board is likely misnamed.
    if config.board is None or not config.board.members or "partner" not in cells.columns:
        return []
    members = {m.partner or m.organisation for m in config.board.members}
    stranger = cells["partner"].notna() & ~cells["partner"].isin(members)
    message = "is not a member of the board in plan.yaml"
    expected = "a board member's organisation, or the partner it names, in plan.yaml"
    return _flag(cells, stranger, "partner", shown, message, expected, "warning")


# Checks that need plan.yaml: made when the loader is given it.
_PLAN_CHECKS: dict[str, Callable[[pd.DataFrame, str, PlanConfig], list[Problem]]] = {
    "kpis": _check_kpi_periods,
    "board_attendance": _check_board_partners,
}


def _local(
    data_dir: Path, slug: str, config: PlanConfig | None = None
) -> tuple[dict[str, pd.DataFrame | None], list[Problem]]:
    data_dir = Path(data_dir)
    folder = data_dir / "local" / slug
    if not folder.is_dir():
        shown = display_path(folder, data_dir.parent)
        return {}, [Problem(shown, "folder not found", expected="a folder holding kpis.csv")]
    cells: dict[str, pd.DataFrame | None] = {}
    problems: list[Problem] = []
    for name, spec in LOCAL_FILES.items():
        required = name == "kpis"
        path = folder / spec.name
        if not required and not path.exists():
            cells[name] = None
            continue
        cells[name], found = _check_file(
            path, spec, data_dir.parent, required, _LOCAL_CHECKS.get(name)
        )
        if cells[name] is not None and len(cells[name]) == 0 and not required:
            cells[name] = None  # a header alone is a file with nothing in it
        if cells[name] is not None and config is not None and name in _PLAN_CHECKS:
            found += _PLAN_CHECKS[name](cells[name], display_path(path, data_dir.parent), config)
        problems += found
    if cells["cohort"] is not None and cells["population"] is None:
        shown = display_path(folder / LOCAL_FILES["population"].name, data_dir.parent)
        message = (
            "is absent, so the cohort is not compared with the area's children: with the "
            "children aged 10 to 17 by ethnicity, sex, SEND and care status, the "
            "disproportionality table gives each group's relative rate index"
        )
        problems.append(
            Problem(shown, message, expected="the file (docs/inputs.md)", severity="warning")
        )
    return cells, problems


def check_local(
    data_dir: Path,
    slug: str,
    national: NationalData | None = None,
    config: PlanConfig | None = None,
) -> list[Problem]:
    """Every problem in data/local/<slug>/, without raising.

    Parameters
    ----------
    data_dir
        The folder holding ``national/`` and ``local/``.
    slug
        The authority's folder name.
    national
        Accepted so callers can pass what they hold; no local file refers to national
        data, so the checks do not need it.
    config
        The authority's plan.yaml: when given, kpis.csv's periods are checked against its
        year and board_attendance.csv's partners against its board.

    Returns
    -------
    list of Problem
        Errors and warnings, file by file in row order; empty if all is well.
    """
    return _local(data_dir, slug, config)[1]


@reuse.by_contents(lambda data_dir, slug, *_, **__: [Path(data_dir) / "local" / slug])
def load_local(
    data_dir: Path,
    slug: str,
    national: NationalData | None = None,
    config: PlanConfig | None = None,
) -> LocalData:
    """Read and validate one authority's returns; only kpis.csv is required.

    Parameters
    ----------
    data_dir
        The folder holding ``national/`` and ``local/``.
    slug
        The authority's folder name.
    national
        Accepted so callers can pass what they hold (see :func:`check_local`).
    config
        The authority's plan.yaml, for the checks that need it (see :func:`check_local`).

    Returns
    -------
    LocalData
        Typed frames, None for each optional file that is absent. ``budget`` has one
        row per year and agency: its ``Total`` rows are checked, then left out, and its
        ``total`` column is always the computed sum of the three amounts.

    Raises
    ------
    InputError
        Carrying every problem found, if any is an error.
    """
    cells, problems = _local(data_dir, slug, config)
    warnings = _errors_raise(problems)
    folder = Path(data_dir) / "local" / slug
    frames = {
        name: None if cells[name] is None else _typed(cells[name], spec)
        for name, spec in LOCAL_FILES.items()
    }
    if frames["budget"] is not None:
        frames["budget"] = _tidy_budget(frames["budget"])
    # Stated totals were checked against their categories; the tables compute their own.
    kpis = frames["kpis"]
    frames["kpis"] = kpis[~is_total(kpis["category"])].reset_index(drop=True)
    files = {n: folder / s.name for n, s in LOCAL_FILES.items() if cells[n] is not None}
    return LocalData(**frames, files=files, warnings=warnings)


def _tidy_budget(budget: pd.DataFrame) -> pd.DataFrame:
    # Totals are derived, never taken from the file: a supplied total that disagrees was
    # reported, and the computed one is what the tables show.
    budget = budget[~_is_total_row(budget["agency"])].reset_index(drop=True)
    amounts = budget[list(BUDGET_MONEY_COLUMNS)].fillna(0.0)  # a blank amount is nothing
    return budget.assign(**amounts, total=amounts.sum(axis=1))
