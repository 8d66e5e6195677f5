"""Accessible spreadsheets: a profile's published tables as one workbook, with gptables.

Follows the Analysis Function guidance for releasing statistics in spreadsheets: a cover
sheet, a contents sheet, a notes sheet, then one table a sheet, each sheet starting with its
title in cell A1, tables marked as Excel tables, symbols instead of blank cells, and every
symbol explained. The values are the CSV's: numbers as numbers, text as text, and a blank CSV
cell written as ``[x]`` (not available).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from yjnb.paths import TEMPLATES_DIR

BLANK = "[x]"  # what a blank CSV cell is in a spreadsheet: "not available"
SHEET_NAME_LIMIT = 31  # Excel's limit on worksheet names
RESERVED_SHEETS = ("Cover", "Contents", "Notes")
_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
ILLUSTRATIVE_NOTE = (
    "Illustrative figures: invented to demonstrate the plan, not this service's data."
)


@cache
def symbol_meanings() -> dict[str, str]:
    """The statistical symbols tables may use, and their meanings (templates/symbols.j2)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False)
    return dict(env.get_template("symbols.j2").module.meanings)


@dataclass(frozen=True)
class SheetTable:
    """One published table, read back from its payload for a worksheet."""

    id: str
    caption: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    source: str = ""
    illustrative: bool = False
    symbols: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> SheetTable:
        """From an ``application/vnd.yjnb.table+json`` payload (id, caption, csv, ...)."""
        rows = list(csv.reader(io.StringIO(payload["csv"])))
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        text = pd.DataFrame(body, columns=header, dtype=object)
        cells = [cell for row in body for cell in row]
        present = {s for s in symbol_meanings() if any(s in cell for cell in cells)}
        if "" in cells:
            present.add(BLANK)
        used = tuple(s for s in symbol_meanings() if s in present)
        return cls(
            id=payload["id"],
            caption=payload["caption"],
            frame=sheet_values(text),
            notes=tuple(payload.get("notes") or ()),
            source=payload.get("source") or "",
            illustrative=bool(payload.get("illustrative")),
            symbols=used,
        )


def sheet_values(text: pd.DataFrame) -> pd.DataFrame:
    """The CSV's text cells as a spreadsheet holds them.

    A column whose filled cells are all numbers (apart from symbols such as ``[c]``) holds
    numbers; every other column stays text, so codes and periods are never mangled. Blank
    cells become ``[x]``.
    """
    symbols = set(symbol_meanings())
    columns = {}
    for name in text.columns:
        cells = text[name].tolist()
        filled = [c for c in cells if c != "" and c not in symbols]
        numeric = bool(filled) and all(_NUMBER.match(c) for c in filled)
        columns[name] = [_cell(c, numeric) for c in cells]
    return pd.DataFrame(columns, columns=text.columns, dtype=object)


def _cell(text: str, numeric: bool) -> object:
    if text == "":
        return BLANK
    if numeric and _NUMBER.match(text):
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    return text


def sheet_names(ids: Sequence[str]) -> list[str]:
    """A valid, unique worksheet name for each table id (at most 31 characters)."""
    names: list[str] = []
    for table_id in ids:
        base = _INVALID_SHEET_CHARS.sub("_", table_id)[:SHEET_NAME_LIMIT] or "table"
        name, n = base, 1
        while name.lower() in {x.lower() for x in (*names, *RESERVED_SHEETS)}:
            n += 1
            suffix = f"_{n}"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        names.append(name)
    return names


def _table_name(sheet: str) -> str:
    # Excel table names: a letter or underscore first, then letters, digits, _ or .
    name = re.sub(r"[^A-Za-z0-9_.]", "_", sheet)
    return name if re.match(r"[A-Za-z_]", name) else f"table_{name}"


def write_workbook(
    path: Path,
    payloads: Iterable[Mapping[str, Any]],
    title: str,
    intro: Sequence[str],
    created: datetime.datetime,
) -> list[str]:
    """Write the accessible spreadsheet of a set of published tables.

    Parameters
    ----------
    path
        The ``tables.xlsx`` to write.
    payloads
        Table payloads as published (id, caption, csv, and optionally notes, source,
        illustrative), in the order the pages show them.
    title
        The cover sheet's title.
    intro
        Paragraphs introducing the tables on the cover sheet.
    created
        The workbook's creation date as recorded in its properties: fixed by the caller, so
        the same inputs give the same bytes.

    Returns
    -------
    list of str
        The ids of the tables written, one a sheet. Tables without rows are listed on the
        cover instead.
    """
    tables = [SheetTable.from_payload(p) for p in payloads]
    written = [t for t in tables if len(t.frame)]
    empty = [t for t in tables if not len(t.frame)]
    notes = _notes(written)
    symbols = [s for s in symbol_meanings() if any(s in t.symbols for t in written)]
    with _quiet_gptables():
        import gptables as gpt

        sheets = {
            name: _gptable(gpt, table, name, notes)
            for name, table in zip(sheet_names([t.id for t in written]), written, strict=True)
        }
        cover = gpt.Cover(
            title=title,
            intro=list(intro),
            about=_about(symbols, empty, bool(notes)),
            contact=None,
        )
        notes_table = (
            pd.DataFrame({"Note reference": list(notes.values()), "Note text": list(notes)})
            if notes
            else None
        )
        workbook = gpt.produce_workbook(
            path.as_posix(),
            sheets,
            cover=cover,
            notes_table=notes_table,
            contentsheet_options={"column_names": ["Sheet name", "Table"]},
            workbook_options={"in_memory": True},  # no temporary file per sheet
        )
        workbook.set_properties({"title": title, "created": created})
        workbook.close()
    return [t.id for t in written]


def _notes(tables: Sequence[SheetTable]) -> dict[str, str]:
    """Every distinct note, in order of first use: text -> reference."""
    found: dict[str, str] = {}
    for table in tables:
        for note in _table_notes(table):
            found.setdefault(note, f"note{len(found) + 1}")
    return found


def _table_notes(table: SheetTable) -> list[str]:
    return ([ILLUSTRATIVE_NOTE] if table.illustrative else []) + list(table.notes)


def _gptable(gpt: Any, table: SheetTable, sheet: str, notes: Mapping[str, str]) -> Any:
    # gptables moves each $$reference$$ to the end of its text as [note n].
    references = "".join(f"$${notes[n]}$$" for n in _table_notes(table))
    meanings = symbol_meanings()
    subtitles = [f"Also published as tables/{table.id}.csv, with the same values."]
    if references:
        subtitles.append(f"This table has notes on the Notes worksheet: {references}")
    instructions = "This worksheet contains one table."
    if table.symbols:
        explained = "; ".join(f"{s} {meanings[s]}" for s in table.symbols)
        instructions += f" Some cells hold a symbol instead of a figure: {explained}."
    return gpt.GPTable(
        table=table.frame,
        table_name=_table_name(sheet),
        title=table.caption,
        subtitles=subtitles,
        instructions=instructions,
        source=f"Source: {table.source}" if table.source else None,
        index_columns={},
    )


def _about(symbols: Sequence[str], empty: Sequence[SheetTable], has_notes: bool) -> list[Any]:
    meanings = symbol_meanings()
    about: list[Any] = [
        [{"bold": True}, "How the tables are laid out"],
        "Each table is on its own worksheet, listed on the Contents worksheet. Each has the "
        "same values as the CSV file of the same name in the tables folder: one row an "
        "observation, figures unrounded.",
    ]
    if has_notes:
        about.append(
            "Some titles refer to notes, such as [note 1]: the notes are on the Notes worksheet."
        )
    if symbols:
        about.append([{"bold": True}, "Symbols used in these tables"])
        about += [f"{s} {meanings[s]}" for s in symbols]
        if BLANK in symbols:
            about.append(f"{BLANK} is shown where the CSV file has a blank cell.")
    if empty:
        about.append([{"bold": True}, "Tables without figures"])
        about.append(
            "No figures are published for these areas in: "
            + "; ".join(f"{t.caption} ({t.id})" for t in empty)
            + "."
        )
    return about


class _quiet_gptables(warnings.catch_warnings):
    """gptables' own deprecation warnings (from its use of pandas) are not ours to act on."""

    def __enter__(self) -> Any:
        result = super().__enter__()
        # Its theme file is opened without being closed when gptables is first imported.
        warnings.filterwarnings("ignore", category=ResourceWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"gptables\b")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"gptables\b")
        # Without notes there is no notes sheet, which is what the guidance asks.
        warnings.filterwarnings("ignore", "No note text provided", UserWarning, r"gptables\b")
        return result
