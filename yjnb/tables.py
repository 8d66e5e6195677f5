"""Published tables: one tidy frame for CSV and spreadsheets, one formatted view for HTML."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from yjnb.paths import TEMPLATES_DIR

_JINJA = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(default=True),
    keep_trailing_newline=False,
)


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

    def with_notes(self, *notes: str) -> Table:
        """A copy with more notes."""
        return replace(self, notes=self.notes + tuple(notes))

    def to_html(self) -> str:
        """The accessible HTML table: caption, column and row headers with scope."""
        highlight = self.highlight or (False,) * len(self.view)
        rows = [
            {"cells": list(zip(self.view.columns, values, strict=True)), "highlight": flag}
            for values, flag in zip(self.view.itertuples(index=False), highlight, strict=True)
        ]
        template = _JINJA.get_template("table.html.j2")
        return template.render(
            table=self, columns=list(self.view.columns), rows=rows, numeric=set(self.numeric)
        )

    def to_csv(self) -> str:
        """The tidy CSV text, deterministic: fixed line ending, no index."""
        return self.data.to_csv(index=False, lineterminator="\n")

    def to_text(self) -> str:
        """A plain-text rendering for consoles and text-only viewers."""
        if self.view.empty and self.empty:
            return f"{self.caption}: {self.empty}"
        return f"{self.caption}\n{self.view.to_string(index=False)}"
