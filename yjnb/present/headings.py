"""Headings within a section, each with a stable id that contents and other pages link to."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class Heading:
    """A heading (``<h3>`` by default) with an id, and the paragraphs that introduce it.

    Parameters
    ----------
    text
        The heading's words.
    id
        Its anchor, stable from build to build: ``kpi-accommodation``, ``at-a-glance``.
    intro
        Paragraphs of plain text shown under it.
    level
        3 within a section (whose heading is ``<h2>``), or 4 below that.
    """

    text: str
    id: str
    intro: tuple[str, ...] = ()
    level: int = 3

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"a heading id is lower-case letters, digits, - and _: {self.id!r}")
        if self.level not in (3, 4):
            raise ValueError(f"a heading within a section is level 3 or 4, not {self.level}")

    def to_html(self) -> str:
        """The heading and its paragraphs, every text escaped."""
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in self.intro)
        tag = f"h{self.level}"
        return f'<{tag} id="{self.id}">{html.escape(self.text)}</{tag}>{paragraphs}'

    def to_text(self) -> str:
        """The heading and its paragraphs as plain text."""
        return "\n".join((self.text, *self.intro))
