"""Navigation of a page, built from its headings: contents, section contents, ways back.

A page is rendered first; its ``<h2>`` (sections) and ``<h3>`` (parts of a section: a KPI, a
summary, the data notes) headings then make its contents, so the contents always follow what
the page shows. A heading without an id is given one from its text (lower case, words joined
by hyphens, ``-2``, ``-3`` ... where the same text comes again), so the same page always gets
the same ids.

- The contents (a ``<nav>`` labelled by its heading, "Contents") replace
  :data:`CONTENTS_MARKER`, which the page template writes where they go: sections only, or
  sections with their parts.
- A section with two or more parts opens with its own contents ("In this section").
- Each section ends with a link back to the contents.

The page is yjnb's own markup (every value escaped where it was written), so headings are
found by pattern, not by parsing the whole page again: that parse is most of the time a page
takes (see :class:`yjnb.publish.outputs.PageExporter`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

CONTENTS_MARKER = "<!-- yjnb: contents -->"
CONTENTS_ID = "contents"
CONTENTS_TITLE_ID = "contents-title"
BACK_TO_CONTENTS = f'<p class="back-to-contents"><a href="#{CONTENTS_ID}">Back to contents</a></p>'
_HEADING = re.compile(r"<h([23])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_OPENING = re.compile(r"<(?:section|aside|div)\b[^>]*>\s*$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Heading:
    """One ``<h2>`` or ``<h3>`` of a page: its level, id, text, and where it is."""

    level: int
    id: str
    text: str
    start: int
    end: int


@dataclass
class Section:
    """An ``<h2>`` heading with the ``<h3>`` headings under it."""

    heading: Heading
    parts: list[Heading]


def heading_text(markup: str) -> str:
    """The text a heading's markup shows: tags removed, entities read, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", markup)).split())


def slug(text: str) -> str:
    """An id made from a heading's text: lower-case words joined by hyphens."""
    return _NOT_WORD.sub("-", text.lower()).strip("-") or "heading"


def outline(page: str) -> tuple[str, list[Section]]:
    """The page with an id on every heading after the contents marker, and its sections.

    Headings before the marker (the page title) and ``<h3>`` headings before the first
    ``<h2>`` are left out of the sections.
    """
    begin = page.find(CONTENTS_MARKER)
    begin = 0 if begin < 0 else begin + len(CONTENTS_MARKER)
    taken = {m[1] or m[2] for m in _ID.finditer(page)} | {CONTENTS_ID, CONTENTS_TITLE_ID}
    pieces: list[str] = [page[:begin]]
    sections: list[Section] = []
    written = begin  # position in the page up to which pieces hold it
    length = begin  # length of the new page so far
    for match in _HEADING.finditer(page, begin):
        level, attributes, inner = int(match[1]), match[2], match[3]
        found = _ID.search(attributes)
        text = heading_text(inner)
        markup = match[0]
        if found:
            ident = found[1] if found[1] is not None else found[2]
        else:
            ident = _unique(slug(text), taken)
            markup = f'<h{level} id="{ident}"{attributes}>{inner}</h{level}>'
        pieces.append(page[written : match.start()])
        length += match.start() - written
        heading = Heading(level, ident, text, length, length + len(markup))
        pieces.append(markup)
        length += len(markup)
        written = match.end()
        if level == 2:
            sections.append(Section(heading, []))
        elif sections:
            sections[-1].parts.append(heading)
    pieces.append(page[written:])
    return "".join(pieces), sections


def _unique(wanted: str, taken: set[str]) -> str:
    ident, number = wanted, 1
    while ident in taken:
        number += 1
        ident = f"{wanted}-{number}"
    taken.add(ident)
    return ident


def contents(sections: list[Section], parts: bool) -> str:
    """The contents: a ``<nav>`` listing each section, with its parts if ``parts``."""
    items = []
    for section in sections:
        inner = ""
        if parts and section.parts:
            inner = "<ul>" + "".join(_item(part) for part in section.parts) + "</ul>"
        items.append(_item(section.heading, inner))
    many = " contents--columns" if len(sections) > 6 and not parts else ""
    return (
        f'<nav class="contents{many}" id="{CONTENTS_ID}" aria-labelledby="{CONTENTS_TITLE_ID}">'
        f'<h2 id="{CONTENTS_TITLE_ID}">Contents</h2>'
        f"<ol>{''.join(items)}</ol></nav>"
    )


def section_contents(section: Section) -> str:
    """The contents of one section: a ``<nav>`` listing its parts."""
    label = html.escape(f"In this section: {section.heading.text}")
    items = "".join(_item(part) for part in section.parts)
    return (
        f'<nav class="section-contents" aria-label="{label}">'
        f'<p class="section-contents__title">In this section</p><ul>{items}</ul></nav>'
    )


def _item(heading: Heading, inner: str = "") -> str:
    return f'<li><a href="#{html.escape(heading.id)}">{html.escape(heading.text)}</a>{inner}</li>'


def _before_wrapper(page: str, start: int) -> int:
    # A heading that opens an element of its own (the back page's <section>) is preceded by
    # that element's start tag: the link back belongs before it, not inside.
    opening = _OPENING.search(page, max(0, start - 300), start)
    return opening.start() if opening else start


def add_navigation(page: str, parts_in_contents: bool) -> str:
    """The page with its contents, section contents and links back to the contents.

    ``parts_in_contents``: list each section's parts in the contents (a performance
    appendix, where every KPI is one click from the top); otherwise the contents list the
    sections, and each section with two or more parts opens with its own contents.
    Sections end with a link back to the contents, the last one before ``</main>``.
    """
    page, sections = outline(page)
    insertions: list[tuple[int, str]] = []
    for number, section in enumerate(sections):
        if number:
            insertions.append((_before_wrapper(page, section.heading.start), BACK_TO_CONTENTS))
        if not parts_in_contents and len(section.parts) > 1:
            insertions.append((section.heading.end, section_contents(section)))
    end = page.rfind("</main>")
    if sections and end > sections[-1].heading.end:
        insertions.append((end, BACK_TO_CONTENTS))
    for position, markup in sorted(insertions, reverse=True):
        page = page[:position] + markup + page[position:]
    if sections and CONTENTS_MARKER in page:
        page = page.replace(CONTENTS_MARKER, contents(sections, parts_in_contents), 1)
    return page.replace(CONTENTS_MARKER, "", 1)
