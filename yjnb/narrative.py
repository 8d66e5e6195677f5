"""Narrative: an authority's markdown for a section, with live figures, rendered safely.

Placeholders are written ``{{ name }}`` (for example ``{{ fte_rate.latest }}``) and filled from
the same computed values as the tables. An unknown placeholder is an error, never a blank.
Raw HTML in the markdown is shown as text, never passed through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from markdown_it import MarkdownIt

from yjnb.errors import InputError, Problem

PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
MISSING_NOTE = "Narrative to be written"
NOT_AVAILABLE = "not available"  # the value of a placeholder the inputs give no figure for
# A section's narrative is a few pages; this bounds what one file can make a page carry.
MAX_NARRATIVE_BYTES = 1_000_000


def _markdown() -> MarkdownIt:
    # commonmark with raw HTML switched off: tags in the text are escaped, not rendered.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    return md


_MD = _markdown()


def unknown_placeholders(text: str, names: Collection[str], shown: str) -> list[Problem]:
    """One problem, naming file and line, for every placeholder not in ``names``."""
    return [
        Problem(
            shown,
            f"unknown placeholder '{{{{ {match[1]} }}}}'",
            row=number,
            value=match[1],
            expected="a name listed by `yjnb placeholders`",
        )
        for number, line in enumerate(text.splitlines(), start=1)
        for match in PLACEHOLDER_RE.finditer(line)
        if match[1] not in names
    ]


def unfilled_placeholders(text: str, values: Mapping[str, str], shown: str) -> list[Problem]:
    """A warning, naming file and line, for every placeholder whose value is not available."""
    return [
        Problem(
            shown,
            f"placeholder '{{{{ {match[1]} }}}}' has no figure in the inputs, so the text "
            f"reads '{NOT_AVAILABLE}'",
            row=number,
            value=match[1],
            expected="a placeholder with a figure (`yjnb placeholders` lists the values)",
            severity="warning",
        )
        for number, line in enumerate(text.splitlines(), start=1)
        for match in PLACEHOLDER_RE.finditer(line)
        if values.get(match[1]) == NOT_AVAILABLE
    ]


def fill_placeholders(text: str, values: Mapping[str, str], shown: str) -> str:
    """Replace every ``{{ name }}`` with its value.

    Raises
    ------
    InputError
        Naming the file, line and placeholder for every unknown name.
    """
    problems = unknown_placeholders(text, values, shown)
    if problems:
        raise InputError(problems)
    return PLACEHOLDER_RE.sub(lambda m: _escape_markdown(str(values[m[1]])), text)


def _escape_markdown(value: str) -> str:
    # Values are data, not markup: stop them being read as emphasis, links or HTML.
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", value)


def render_markdown(text: str, heading_offset: int = 2) -> str:
    """Markdown to HTML, with raw HTML escaped and headings moved down ``heading_offset`` levels.

    Sections are ``<h2>`` in the plan, so narrative ``#`` becomes ``<h3>`` by default.
    """
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + heading_offset, 6)
            token.tag = f"h{level}"
    return _MD.renderer.render(tokens, _MD.options, {})


def render_narrative(
    path: Path,
    values: Mapping[str, str],
    shown: str,
    warn: Callable[[Problem], None] | None = None,
) -> tuple[str, bool]:
    """Render a narrative file; a missing file gives a marked placeholder.

    ``warn`` is given each placeholder that has no figure (:func:`unfilled_placeholders`).

    Returns
    -------
    tuple of (html, found)
    """
    text = read_narrative(path, shown)
    if text is None:
        note = (
            f'<div class="yjnb-missing" role="note"><strong>{MISSING_NOTE}.</strong> '
            f"Add it in {html.escape(shown)}.</div>"
        )
        return note, False
    body = render_markdown(fill_placeholders(text, values, shown))
    for problem in unfilled_placeholders(text, values, shown) if warn else ():
        warn(problem)
    return body, True


def read_narrative(path: Path, shown: str) -> str | None:
    """The text of a narrative file; None if there is none.

    Raises
    ------
    InputError
        If it is not a file, is larger than :data:`MAX_NARRATIVE_BYTES` or not UTF-8 text.
    """
    if not path.exists():
        return None
    try:
        if not path.is_file():
            raise InputError([Problem(shown, "is not a file", expected="a markdown file")])
        size = path.stat().st_size
        if size > MAX_NARRATIVE_BYTES:
            message = f"is {size / 1e6:,.1f} MB, more than a section's narrative may be"
            limit = f"at most {MAX_NARRATIVE_BYTES / 1e6:g} MB"
            raise InputError([Problem(shown, message, expected=limit)])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(shown, f"not valid UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise InputError([Problem(shown, f"cannot be read ({exc.strerror})")]) from None
