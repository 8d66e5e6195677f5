"""Accessible spreadsheets: a profile's published tables as one workbook, with XlsxWriter.

Follows the Analysis Function guidance for releasing statistics in spreadsheets: a cover
sheet, a contents sheet, a notes sheet, then one table a sheet, each sheet starting with its
title in cell A1, tables marked as Excel tables, symbols instead of blank cells, and every
symbol explained. The values are the CSV's: numbers as numbers, text as text, and a blank CSV
cell written as ``[x]`` (not available).

The layout is the one gptables writes with its default theme (Arial 12, bold headings with a
bottom border, no gridlines), written directly: gptables spent most of its time building a
frame of cell formats for each table.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from math import ceil
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import cell_autofit_width
from xlsxwriter.worksheet import Worksheet

from yjnb.paths import TEMPLATES_DIR
from yjnb.present.tables import ILLUSTRATIVE_COLUMN, NUMBER, restore_formula
from yjnb.symbols import NOT_AVAILABLE

BLANK = NOT_AVAILABLE  # what a blank CSV cell is in a spreadsheet
SHEET_NAME_LIMIT = 31  # Excel's limit on worksheet names
RESERVED_SHEETS = ("Cover", "Contents", "Notes")
_INTEGER = re.compile(r"-?\d+\Z")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
ILLUSTRATIVE_NOTE = (
    "Illustrative figures: invented to demonstrate the plan, not this service's data."
)

# gptables' default theme: every element Arial 12 unless it says otherwise.
_TEXT = {"font_name": "Arial", "font_size": 12, "font_color": "automatic"}
_COVER_TITLE = {**_TEXT, "font_size": 16, "bold": True, "text_wrap": True}
_COVER_SUBTITLE = {**_TEXT, "font_size": 14, "bold": True, "text_wrap": True}
_COVER_TEXT = {**_TEXT, "text_wrap": True}
_TITLE = {**_TEXT, "font_size": 16, "bold": True}
_SUBTITLE = {**_TEXT, "font_size": 14}
_HEADING = {**_TEXT, "bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}
_CELL = {**_TEXT, "text_wrap": True}
_LINK = {"underline": True, "font_color": "blue"}
_LEFT = {"align": "left"}
_RIGHT = {"align": "right"}
_COVER_WIDTH = 85  # characters
_ONE_TABLE = "This worksheet contains one table."
_SHORTHAND = re.compile(r"\[[\w\s]+\]")  # a symbol or note mark, such as [c] or [note 1]

_Style = Callable[..., Format]


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
        # Text as written before the CSV guarded it against formulas: a worksheet cell is
        # written as text, never as a formula, so needs no guard.
        rows = [list(map(restore_formula, r)) for r in csv.reader(io.StringIO(payload["csv"]))]
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        cells = [cell for row in body for cell in row]
        # Each symbol looked for once in all the cells joined: no symbol holds a line break, so
        # none is found across two cells.
        text = "\n".join(cells)
        present = {s for s in symbol_meanings() if s in text}
        if "" in cells:
            present.add(BLANK)
        used = tuple(s for s in symbol_meanings() if s in present)
        return cls(
            id=payload["id"],
            caption=payload["caption"],
            frame=_sheet_frame({name: [row[i] for row in body] for i, name in enumerate(header)}),
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
    return _sheet_frame({name: text[name].tolist() for name in text.columns})


def _sheet_frame(text: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    # sheet_values from columns of text: from_payload has no frame of the text to give.
    symbols = set(symbol_meanings())
    columns = {}
    for name, cells in text.items():
        filled = [c for c in cells if c != "" and c not in symbols]
        numeric = bool(filled) and all(NUMBER.match(c) for c in filled)
        columns[name] = [_cell(c, numeric) for c in cells]
    return pd.DataFrame(columns, columns=list(text), dtype=object)


def _cell(text: str, numeric: bool) -> object:
    if text == "":
        return BLANK
    if numeric and NUMBER.match(text):
        return int(text) if _INTEGER.match(text) else float(text)
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
    names = sheet_names([t.id for t in written])
    book = Workbook(path.as_posix(), {"in_memory": True})  # no temporary file per sheet
    book.set_properties({"title": title, "created": created})
    style = _styles(book)
    about = _about(symbols, empty, bool(notes), [t for t in written if t.illustrative])
    _write_cover(_sheet(book, "Cover"), style, title, intro, about)
    _write_contents(_sheet(book, "Contents"), style, names, written)
    if notes:  # without notes there is no notes sheet, which is what the guidance asks
        _write_notes(_sheet(book, "Notes"), style, notes)
    for name, table in zip(names, written, strict=True):
        sheet = _sheet(book, name)
        first = _write_lines(sheet, style, _table_lines(table, notes))
        header, rows = list(table.frame.columns), table.frame.values.tolist()
        _write_table(sheet, style, first, _table_name(name), header, rows)
    book.close()
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


def _styles(book: Workbook) -> _Style:
    """The workbook's cell formats: properties merged left to right, each format made once."""
    made: dict[tuple[tuple[str, Any], ...], Format] = {}

    def style(*layers: Mapping[str, Any]) -> Format:
        properties = {key: value for layer in layers for key, value in layer.items()}
        key = tuple(sorted(properties.items()))
        if key not in made:
            made[key] = book.add_format(properties)
        return made[key]

    return style


def _sheet(book: Workbook, name: str) -> Worksheet:
    sheet = book.add_worksheet(name)
    sheet.hide_gridlines(2)  # neither on screen nor printed
    return sheet


def _write_lines(sheet: Worksheet, style: _Style, lines: Sequence[tuple[str, Mapping]]) -> int:
    """Write (text, format) lines down column A from A1; returns the next row."""
    for row, (text, properties) in enumerate(lines):
        sheet.write_string(row, 0, text, style(properties))
    return len(lines)


def _write_cover(
    sheet: Worksheet, style: _Style, title: str, intro: Sequence[str], about: Sequence[Any]
) -> None:
    lines = [(title, _COVER_TITLE), ("Introductory information", _COVER_SUBTITLE)]
    lines += [(text, _COVER_TEXT) for text in intro]
    lines.append(("About these data", _COVER_SUBTITLE))
    lines += [
        (item, _COVER_TEXT) if isinstance(item, str) else _cover_pair(item) for item in about
    ]
    _write_lines(sheet, style, lines)
    sheet.set_column(0, 0, _COVER_WIDTH)


def _cover_pair(item: Sequence[Any]) -> tuple[str, Mapping[str, Any]]:
    # A [format, text] item, such as [{"bold": True}, "Symbols"]: the cover's text format,
    # changed by `format`.
    properties, text = item
    return text, {**_COVER_TEXT, **properties}


def _write_contents(
    sheet: Worksheet, style: _Style, names: Sequence[str], tables: Sequence[SheetTable]
) -> None:
    first = _write_lines(sheet, style, [("Table of contents", _TITLE), (_ONE_TABLE, _TEXT)])
    rows = [[name, t.caption] for name, t in zip(names, tables, strict=True)]
    _write_table(sheet, style, first, "contents_table", ["Sheet name", "Table"], rows)
    link = style(_CELL, _LEFT, _LINK)
    for row, name in enumerate(names, first + 1):  # the names, now links to their sheets
        sheet.write_url(row, 0, f"internal:'{name}'!A1", link, name)


def _write_notes(sheet: Worksheet, style: _Style, notes: Mapping[str, str]) -> None:
    first = _write_lines(sheet, style, [("Notes", _TITLE), (_ONE_TABLE, _TEXT)])
    rows = [[number, text] for number, text in enumerate(notes, 1)]
    _write_table(sheet, style, first, "notes_table", ["Note number", "Note text"], rows)


def _table_lines(table: SheetTable, notes: Mapping[str, str]) -> list[tuple[str, Mapping]]:
    """A table sheet's title, subtitles, instructions and source, each with its format."""
    # A note's mark is its number on the Notes sheet, at the end of the text, as gptables
    # renders references.
    order = list(notes.values())
    marks = "".join(f"[note {order.index(notes[n]) + 1}]" for n in _table_notes(table))
    meanings = symbol_meanings()
    lines = [
        (table.caption, _TITLE),
        (f"The same values are in tables/{table.id}.csv.", _SUBTITLE),
    ]
    if marks:
        lines.append((f"This table has notes on the Notes worksheet: {marks}", _SUBTITLE))
    instructions = _ONE_TABLE
    if table.symbols:
        explained = "; ".join(f"{s} {meanings[s]}" for s in table.symbols)
        instructions += f" Some cells hold a symbol instead of a figure: {explained}."
    lines.append((instructions, _TEXT))
    if table.source:
        lines.append((f"Source: {table.source}", _TEXT))
    return lines


def _write_table(
    sheet: Worksheet,
    style: _Style,
    first_row: int,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """Header and rows as an Excel table from `first_row`, columns aligned and sized."""
    columns = list(zip(*rows, strict=True))
    aligns = [_alignment(col, cells) for col, cells in enumerate(columns)]
    headings = [
        {"header": heading, "header_format": style(_HEADING, align)}
        for heading, align in zip(header, aligns, strict=True)
    ]
    options = {"name": name, "columns": headings, "autofilter": False, "style": None}
    sheet.add_table(first_row, 0, first_row + len(rows), len(header) - 1, options)
    formats = [style(_CELL, align) for align in aligns]
    for row, values in enumerate(rows, first_row + 1):
        for col, value in enumerate(values):
            # Text stays text: a cell starting "=" is not made a formula, nor an address a link.
            write = sheet.write_number if isinstance(value, int | float) else sheet.write_string
            write(row, col, value, formats[col])
    for col, (heading, cells) in enumerate(zip(header, columns, strict=True)):
        sheet.set_column_pixels(col, col, _column_width(heading, cells))


def _alignment(col: int, cells: Sequence[object]) -> Mapping[str, str]:
    """Numbers right aligned and text left, as gptables aligns columns.

    A column of numbers with symbols or note marks among them, such as ``[c]``, is numbers;
    one of symbols alone is text. The first column is always left aligned.
    """
    text = [c for c in cells if not isinstance(c, int | float)]
    numeric = len(text) < len(cells) and all(_SHORTHAND.search(c) for c in text)
    return _RIGHT if col and numeric else _LEFT


def _column_width(heading: str, cells: Sequence[object]) -> int:
    """A column's width in pixels: its widest cell, the heading in bold."""
    # Columns repeat their values (areas, periods, symbols): each distinct text measured once.
    return max([_width(heading, bold=True), *map(_width, {str(c) for c in cells})])


def _width(text: str, bold: bool = False) -> int:
    # gptables' estimate: XlsxWriter's autofit width of the longest line, scaled from its 11
    # point font to 12 point, by a tenth for bold, and by up to 15% for capitals.
    line = max(text.split("\n"), key=len)
    capitals = sum(map(str.isupper, line)) / len(line) if line else 0
    scale = (12 / 11) * (1.1 if bold else 1.0) * (1.0 + 0.15 * capitals)
    return ceil(cell_autofit_width(line) * scale)


def _about(
    symbols: Sequence[str],
    empty: Sequence[SheetTable],
    has_notes: bool,
    illustrative: Sequence[SheetTable] = (),
) -> list[Any]:
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
    if illustrative:
        about.append([{"bold": True}, "Illustrative figures"])
        about.append(
            f"{len(illustrative)} of the tables hold{'s' if len(illustrative) == 1 else ''} "
            "figures invented to demonstrate the plan, "
            "not the service's data: each says so in its notes, and its last column, "
            f"{ILLUSTRATIVE_COLUMN}, reads true. They are: "
            + "; ".join(t.id for t in illustrative)
            + "."
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
