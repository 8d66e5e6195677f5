"""Published tables: one tidy frame for CSV and spreadsheets, one formatted view for HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from yjnb.paths import TEMPLATES_DIR

_JINJA = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True),
    keep_trailing_newline=False,
)


def compile_templates() -> None:
    """Compile every page template once (the batch's worker server does, before forking)."""
    for name in _JINJA.list_templates(extensions=["j2"]):
        _JINJA.get_template(name)


# The column every table's CSV ends with: whether its figures were invented for demonstration.
ILLUSTRATIVE_COLUMN = "illustrative"
# How the CSV writes it: the words a reader's software parses as a boolean.
ILLUSTRATIVE_VALUES = {True: "true", False: "false"}

# A number as a published CSV writes it, and as a spreadsheet reads it back as a number.
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$")
# What a spreadsheet opening a CSV reads as the start of a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def neutralise_formula(cell: object) -> object:
    """A CSV cell that no spreadsheet reads as a formula: OWASP's leading single quote.

    Only text is changed; a number written as text (``-2.4`` in a column with ``[c]``) stays
    a number. Text that starts with the quote already gets one more, so that
    :func:`restore_formula` gives back exactly what was written.
    """
    if isinstance(cell, str) and (_formula(cell) or cell.startswith(FORMULA_GUARD)):
        return FORMULA_GUARD + cell
    return cell


def restore_formula(cell: str) -> str:
    """A published CSV cell as it was before :func:`neutralise_formula`."""
    rest = cell[1:]
    if cell.startswith(FORMULA_GUARD) and (_formula(rest) or rest.startswith(FORMULA_GUARD)):
        return rest
    return cell


def _formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not NUMBER.match(text)


def _line_feeds(cell: object) -> object:
    """Text with every line ending a line feed; anything else as it is."""
    if isinstance(cell, str) and "\r" in cell:
        return cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


@dataclass(frozen=True)
class Part:
    """One of the tables a published table is shown as on the page (its CSV is the whole).

    A long table is easier to read as short ones: one for each measure of a KPI, each with
    its categories as rows and the measure named once, in the caption.

    Parameters
    ----------
    key
        Stable within the table: the part's ``id`` is ``table-<table id>-<key>``.
    caption
        What this part shows.
    view
        Its rows as shown: formatted strings, the first column the row headers.
    numeric
        Columns of ``view`` holding numbers (right-aligned).
    """

    key: str
    caption: str
    view: pd.DataFrame
    numeric: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table as published.

    Parameters
    ----------
    id
        File name stem: ``tables/<id>.csv``.
    caption
        What the table shows, including the area and period.
    data
        Tidy frame written to CSV: one observation a row, unformatted numbers.
    view
        The same figures as shown in HTML: formatted strings, headers with units.
    numeric
        Columns of ``view`` holding numbers (right-aligned).
    highlight
        Boolean per row of ``view``: the authority's own row.
    empty
        The sentence shown in place of the table when ``view`` has no rows (after the
        caption); by default, that no figures are published for these areas.
    parts
        Shown on the page as these tables, one after another, in place of ``view`` (which
        then holds the same rows for text output), sharing the notes, source and CSV.
    """

    id: str
    caption: str
    data: pd.DataFrame
    view: pd.DataFrame
    numeric: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    source: str = ""
    row_header: bool = True
    highlight: tuple[bool, ...] = ()
    illustrative: bool = False
    empty: str = ""
    parts: tuple[Part, ...] = ()

    def with_notes(self, *notes: str) -> Table:
        """A copy with more notes."""
        return replace(self, notes=self.notes + tuple(notes))

    def to_html(self) -> str:
        """The accessible HTML table: caption, column and row headers with scope."""
        parts = self.parts or (Part("", self.caption, self.view, self.numeric),)
        panels = []
        for part in parts:
            highlight = (not self.parts and self.highlight) or (False,) * len(part.view)
            rows = [
                {"cells": list(zip(part.view.columns, values, strict=True)), "highlight": flag}
                for values, flag in zip(part.view.itertuples(index=False), highlight, strict=True)
            ]
            panels.append(
                {
                    "id": f"table-{self.id}-{part.key}" if part.key else "",
                    "caption": part.caption,
                    "columns": list(part.view.columns),
                    "rows": rows,
                    "numeric": set(part.numeric),
                }
            )
        shown = [cell for p in panels for row in p["rows"] for _, cell in row["cells"]]
        template = _JINJA.get_template("table.html.j2")
        return template.render(table=self, panels=[p for p in panels if p["rows"]], shown=shown)

    def to_csv(self) -> str:
        """The tidy CSV text, deterministic: fixed line ending, no index.

        Text that a spreadsheet would run as a formula (a cell or heading starting with
        ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
        single quote (:func:`neutralise_formula`); numbers are written as they are. A carriage
        return inside text is written as a line feed, which the CSV quotes (a bare carriage
        return is not quoted, and would end the row for most readers).

        The last column, ``illustrative``, says of every row whether its figures were invented
        for demonstration (``true``) or not (``false``): the table's own flag, unless the data
        gives it row by row (the index's comparisons, whose rows come from several services).
        """
        data = self.data
        if ILLUSTRATIVE_COLUMN not in data.columns:
            data = data.assign(**{ILLUSTRATIVE_COLUMN: ILLUSTRATIVE_VALUES[self.illustrative]})
        data = data.rename(columns=neutralise_formula)
        guarded = {}
        for name, column in data.items():
            if pd.api.types.is_numeric_dtype(column):
                continue
            cells = column.tolist()
            safe = [neutralise_formula(_line_feeds(cell)) for cell in cells]
            if safe != cells:  # only then a new column: the others keep their dtype
                guarded[name] = pd.Series(safe, index=column.index, dtype=object)
        return data.assign(**guarded).to_csv(index=False, lineterminator="\n")

    def to_text(self) -> str:
        """A plain-text rendering for consoles and text-only viewers."""
        if self.view.empty and self.empty:
            return f"{self.caption}: {self.empty}"
        if self.parts:
            return "\n\n".join(
                f"{part.caption}\n{part.view.to_string(index=False)}" for part in self.parts
            )
        return f"{self.caption}\n{self.view.to_string(index=False)}"
