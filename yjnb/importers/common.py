"""What every importer shares: reading a download, naming areas, merging into counts.csv.

A download is read as text, cell by cell, so that a problem can quote a value exactly as
written and name the row a spreadsheet shows it on. Rows an importer cannot trust are not
guessed at: they become :class:`~yjnb.errors.Problem` records, errors (nothing is written)
or warnings (that row is left out, and the report says why).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from yjnb.errors import InputError, Problem
from yjnb.inputs.load import NationalData, check_national, load_national
from yjnb.inputs.schemas import COUNT_MEASURES, RATE_MAXIMA

COUNTS_COLUMNS = ["area_code", "measure", "period_start", "period_end", "value", "source"]
ALIASES_FILE = "area_aliases.csv"
ALIASES_COLUMNS = ["scheme", "alias", "name", "area_code", "source"]
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".ods")
HEADER_SEARCH_ROWS = 30  # spreadsheets put cover text above the header; look this far down
NOTE_MARKER = re.compile(r"\[note[^\]]*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Download:
    """A downloaded table as text cells (blank = ""), indexed by the row a spreadsheet shows."""

    path: Path
    cells: pd.DataFrame
    sheet: str | None = None

    @property
    def shown(self) -> str:
        """The file (and sheet) as messages name it."""
        return self.path.name + (f" (sheet '{self.sheet}')" if self.sheet else "")


@dataclass
class Parsed:
    """Rows read from a download (COUNTS_COLUMNS, values as text) and what was left out."""

    rows: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did to counts.csv."""

    file: str
    counts_file: Path
    read: int
    added: int
    unchanged: int
    replaced: list[str]
    problems: list[Problem]
    notes: list[str]

    def report(self) -> str:
        """The summary printed by ``yjnb import``."""
        lines = [f"warning: {p}" for p in self.problems]
        lines += [f"note: {n}" for n in self.notes]
        lines += [f"replaced: {r}" for r in self.replaced]
        lines.append(
            f"Imported {self.file} into {self.counts_file}: {self.read} rows read, "
            f"{self.added} added, {self.unchanged} already there, {len(self.replaced)} "
            f"replaced; {len(self.problems)} left out (warnings above)."
        )
        return "\n".join(lines)


# --- reading -----------------------------------------------------------------------------


def read_download(path: Path, required: list[str], any_of: tuple[str, ...] = ()) -> Download:
    """Read a .csv, .xlsx or .ods download, finding the header row on the sheet that has it.

    Parameters
    ----------
    path
        The downloaded file.
    required
        Column headings that must all be present (matched exactly, after trimming spaces).
    any_of
        Further headings of which at least one must be present (for example count columns).

    Raises
    ------
    InputError
        If the file cannot be read, or no sheet has a header row with the columns.
    """
    path = Path(path)
    shown = path.name
    if not path.is_file():
        raise InputError([Problem(str(path), "file not found")])
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        expected = "a .csv, .xlsx or .ods file"
        problem = Problem(shown, "is not a format yjnb reads", None, None, suffix, expected)
        raise InputError([problem])
    sheets = {None: _csv_grid(path)} if suffix == ".csv" else _spreadsheet_grids(path, suffix)
    for sheet, grid in sheets.items():
        found = _header_row(grid, required, any_of)
        if found is not None:
            return Download(path, _cells(grid, found), sheet)
    wanted = ", ".join(required) + (f" and one of {', '.join(any_of)}" if any_of else "")
    where = "its first rows" if suffix == ".csv" else "the first rows of any sheet"
    message = f"no header row with the expected columns in {where}"
    raise InputError([Problem(shown, message, expected=f"columns {wanted}")])


def _csv_grid(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        expected = "text saved as UTF-8 (in Excel: Save As, then 'CSV UTF-8')"
        raise InputError([Problem(path.name, "is not UTF-8 text", expected=expected)]) from None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        raise InputError([Problem(path.name, f"is not valid CSV ({err})")]) from None
    width = max((len(r) for r in records), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)


def _spreadsheet_grids(path: Path, suffix: str) -> dict[str | None, pd.DataFrame]:
    engine = "odf" if suffix == ".ods" else "openpyxl"
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine=engine)
    except Exception as err:  # noqa: BLE001 - any reader failure means an unreadable file
        message = f"cannot be read as a {suffix} spreadsheet ({type(err).__name__}: {err})"
        raise InputError([Problem(path.name, message)]) from None
    return {str(name): grid.fillna("") for name, grid in book.items()}


def _header_row(grid: pd.DataFrame, required: list[str], any_of: tuple[str, ...]) -> int | None:
    for index in range(min(HEADER_SEARCH_ROWS, len(grid))):
        names = {str(v).strip() for v in grid.iloc[index]}
        if set(required) <= names and (not any_of or names & set(any_of)):
            return index
    return None


def _cells(grid: pd.DataFrame, header: int) -> pd.DataFrame:
    names = [str(v).strip() for v in grid.iloc[header]]
    body = grid.iloc[header + 1 :].astype(str).apply(lambda column: column.str.strip())
    body.columns = range(len(names))
    keep = [i for i, name in enumerate(names) if name and names.index(name) == i]
    body = body[keep].set_axis([names[i] for i in keep], axis=1)
    body.index = [i + 1 for i in grid.index[header + 1 :]]  # the row a spreadsheet shows
    return body[(body != "").any(axis=1)]


# --- areas -------------------------------------------------------------------------------


def plain_name(name: str) -> str:
    """A name reduced for matching: ASCII, lower case, '&' as 'and', punctuation dropped."""
    text = NOTE_MARKER.sub("", str(name))
    ascii_name = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_name.lower().replace("&", " and ")))


def published_number(text: str, dps: int | None = None) -> str:
    """A published figure as text, without float artefacts (18.399999999999999 -> 18.4).

    Artefacts are what a spreadsheet writes when it prints a double to 17 significant digits;
    any decimal of up to 15 significant digits survives the trip through a double, so the
    value is rounded to 15 significant digits (or to ``dps`` places, where the publisher
    says how many it gives) and written in the shortest form that reads back the same.
    """
    value = float(text)
    value = round(value, dps) if dps is not None else float(f"{value:.15g}")
    return repr(value).removesuffix(".0")


def read_aliases(national_dir: Path) -> pd.DataFrame:
    """data/national/area_aliases.csv: how publishers name or number each area (may be empty)."""
    path = Path(national_dir) / ALIASES_FILE
    if not path.is_file():
        return pd.DataFrame(columns=ALIASES_COLUMNS)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ALIASES_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([Problem(ALIASES_FILE, "column is missing", column=", ".join(missing))])
    return frame


def region_names(areas: pd.DataFrame) -> dict[str, str]:
    """Area code -> plain name of its region (or nation, for authorities placed in one)."""
    names = dict(zip(areas["code"], areas["name"].map(plain_name), strict=True))
    regions = areas["region_code"].fillna("")
    return {
        code: names.get(region, "") for code, region in zip(areas["code"], regions, strict=True)
    }


def check_value(measure: str, text: str) -> str | None:
    """Why a published value cannot be taken (None if it can)."""
    try:
        value = float(text)
    except ValueError:
        return "is not a number"
    if not math.isfinite(value):
        return "is not a number"
    if value < 0:
        return "is negative"
    if measure in COUNT_MEASURES and value % 1:
        return "is not a whole number (the measure is a count)"
    if measure in RATE_MAXIMA and value > RATE_MAXIMA[measure]:
        return f"is above the highest possible {measure} ({RATE_MAXIMA[measure]:,})"
    return None


# --- merging -----------------------------------------------------------------------------


def merge_counts(
    data_dir: Path,
    parsed: Parsed,
    shown: str,
    replace: bool = False,
    national: NationalData | None = None,
) -> ImportResult:
    """Merge parsed rows into DATA_DIR/national/counts.csv, validated, written atomically.

    A row whose area, measure and period are already there with the same value is left as
    it is (so importing a file twice changes nothing). A different value is a conflict: an
    error listing both figures unless ``replace`` is set, when the file's figure is taken.
    The merged file must pass the same checks as ``yjnb validate``, or it is not kept.
    """
    # the national data must be valid before anything is added to it
    national = national if national is not None else load_national(data_dir)
    path = Path(data_dir) / "national" / "counts.csv"
    original = path.read_bytes()
    current = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    errors = [p for p in parsed.problems if p.severity == "error"]
    known = set(national.areas["code"])
    unknown = sorted(set(parsed.rows["area_code"]) - known)
    errors += [Problem(shown, "area code not in areas.csv", value=c) for c in unknown]
    key = COUNTS_COLUMNS[:4]
    existing = {tuple(r[:4]): r[4:] for r in current[COUNTS_COLUMNS].itertuples(index=False)}
    added, unchanged, replaced, conflicts = [], 0, [], []
    for row in parsed.rows[COUNTS_COLUMNS].itertuples(index=False):
        old = existing.get(tuple(row[:4]))
        if old is None:
            added.append(row)
        elif float(old[0]) == float(row.value):
            unchanged += 1
        else:
            change = (
                f"{row.area_code} {row.measure} {row.period_start} to {row.period_end}: "
                f"{old[0]} ({old[1]}) -> {row.value} ({row.source})"
            )
            (replaced if replace else conflicts).append((row, change))
    for _, change in conflicts:
        expected = "the same figure, or --replace to take the file's figures"
        errors.append(Problem(shown, f"differs from counts.csv: {change}", expected=expected))
    if errors:
        raise InputError(errors + [p for p in parsed.problems if p.severity != "error"])
    frame = current[COUNTS_COLUMNS]
    if replaced:
        new = {tuple(r[:4]): r for r, _ in replaced}
        records = [new.get(tuple(r[:4]), r) for r in frame.itertuples(index=False)]
        frame = pd.DataFrame(records, columns=COUNTS_COLUMNS)
    if added:
        frame = pd.concat([frame, pd.DataFrame(added, columns=COUNTS_COLUMNS)], ignore_index=True)
    merged = frame.sort_values(key, kind="stable").to_csv(index=False, lineterminator="\n")
    if merged.encode("utf-8") != original:
        _write_checked(path, merged.encode("utf-8"), original, data_dir)
    changes = [change for _, change in replaced]
    read = len(parsed.rows)
    warnings = list(parsed.problems)
    return ImportResult(shown, path, read, len(added), unchanged, changes, warnings, parsed.notes)


def _write_checked(path: Path, merged: bytes, original: bytes, data_dir: Path) -> None:
    staging = path.with_name(path.name + ".importing")
    staging.write_bytes(merged)
    os.replace(staging, path)
    problems = [p for p in check_national(data_dir) if p.severity == "error"]
    if problems:
        path.write_bytes(original)  # the merged file failed validation: put the old one back
        raise InputError(problems)
