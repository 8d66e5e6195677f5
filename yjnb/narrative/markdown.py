"""Narrative: an authority's markdown for a section, with live figures, rendered safely.

Placeholders are written ``{{ name }}`` (for example ``{{ fte_rate.latest }}``) and filled from
the same computed values as the tables. An unknown placeholder is an error, never a blank.
Raw HTML in the markdown is shown as text, never passed through.

A page makes no request anywhere: an image (``![Staffing structure](org.png)``) is a file in
the authority's params folder, embedded in the page, and a remote image is refused. Every
image needs its text alternative, unless it is marked decorative with the title
``"decorative"`` (``![](divider.png "decorative")``), which gives it an empty one. SVG files
are embedded too: shown as an image, as the charts are, an SVG runs no script and loads
nothing (browsers draw images in a mode without scripting or external resources), and one
holding script, event handlers or references to other files is refused all the same, since
a reader who saves the image and opens it would open it as a document.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from yjnb.errors import InputError, Problem
from yjnb.inputs.tracking import note_file

# A placeholder, ``{{ name }}`` (group 1 the name): the one pattern every reader of narrative uses.
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
MISSING_NOTE = "Narrative to be written"
NOT_AVAILABLE = "not available"  # the value of a placeholder the inputs give no figure for
# A section's narrative is a few pages; this bounds what one file can make a page carry.
MAX_NARRATIVE_BYTES = 1_000_000
# Image files narrative may show: media type, and how the file's first bytes start.
IMAGE_TYPES = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".svg": ("image/svg+xml", (b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg", b"\xef\xbb\xbf")),
}
IMAGE_LIMIT = 2_000_000  # bytes: an image in a page that many readers download
DECORATIVE = "decorative"  # an image's title marking it as decoration, with an empty alt
# What an SVG file may not hold: script, event handlers, embedded HTML, entity declarations,
# links or style rules that reach anything outside the file (a '#fragment' and an embedded
# 'data:image/' stay inside).
_SVG_ACTIVE = re.compile(
    r"<script|<foreignObject|<!ENTITY|@import|\son[a-z]+\s*="
    r"|href\s*=\s*[\"']?\s*(?!#|data:image/)[^\s\"'>]"
    r"|url\(\s*[\"']?\s*(?!#|data:image/)[^\s\"')]",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _markdown() -> MarkdownIt:
    # commonmark with raw HTML switched off: tags in the text are escaped, not rendered.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    return md


_MD = _markdown()


class ByProfile(str):
    """A placeholder value the public profile shows otherwise: a local count of children.

    As text it is the board's value; :attr:`public` is the public profile's, ``[c]`` where
    the public table withholds the count, so narrative never states what a table withholds.
    """

    public: str

    def __new__(cls, board: str, public: str) -> ByProfile:
        """The board's value as text, with the public profile's beside it."""
        value = super().__new__(cls, board)
        value.public = public
        return value


def values_for(values: Mapping[str, str], profile: str) -> dict[str, str]:
    """The placeholder values as ``profile`` shows them (see :class:`ByProfile`)."""
    return {
        name: value.public if profile == "public" and isinstance(value, ByProfile) else value
        for name, value in values.items()
    }


def placeholder_names(text: str) -> set[str]:
    """Every placeholder name a text uses."""
    return {match[1] for match in PLACEHOLDER_RE.finditer(text)}


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


def render_markdown(
    text: str, heading_offset: int = 2, source: Path | None = None, shown: str = ""
) -> str:
    """Markdown to HTML, with raw HTML escaped and headings moved down ``heading_offset`` levels.

    Sections are ``<h2>`` in the plan, so narrative ``#`` becomes ``<h3>`` by default. Images
    are embedded from the folder of ``source``, the markdown file (see :func:`image_problems`).

    Raises
    ------
    InputError
        For an image that cannot be embedded, naming ``shown`` and the line.
    """
    tokens = _MD.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + heading_offset, 6)
            token.tag = f"h{level}"
    problems = _embed_images(tokens, text, source, shown)
    if problems:
        raise InputError(problems)
    return _MD.renderer.render(tokens, _MD.options, {})


def image_problems(text: str, source: Path, shown: str) -> list[Problem]:
    """Why each image in a narrative file cannot be shown, naming file and line.

    An image must be a PNG, JPEG, GIF or SVG file beside the narrative file or in the folder
    above it (params/<slug>/narrative/ or params/<slug>/), and have a text alternative. A
    remote image is refused: the page would fetch it from another site whenever it is read.
    """
    return _embed_images(_MD.parse(text), text, source, shown)


def _embed_images(
    tokens: list[Token], text: str, source: Path | None, shown: str
) -> list[Problem]:
    # Each image's src becomes its file as a data: URI; a problem for each that cannot.
    lines = text.splitlines()
    problems = []
    for block in tokens:
        for token in block.children or []:
            if token.type != "image":
                continue
            src = str(token.attrGet("src") or "")
            row = _line(block, lines, src)
            try:
                token.attrSet("src", _data_uri(src, source))
            except ValueError as exc:
                problems.append(Problem(shown, str(exc), row=row, value=unquote(src)))
                continue
            if str(token.attrGet("title") or "").strip().lower() == DECORATIVE:
                token.attrs.pop("title", None)
                token.children = []  # the renderer writes the alt from the children
                token.content = ""
                continue
            if not token.content.strip():
                problems.append(
                    Problem(
                        shown,
                        "the image has no text alternative",
                        row=row,
                        value=unquote(src),
                        expected="what it shows, between the brackets: ![what it shows](file), "
                        'or ![](file "decorative") for an image that is only decoration',
                    )
                )
    return problems


def _line(block: Token, lines: list[str], src: str) -> int | None:
    # The line of the block that names the image, else the block's first line.
    if block.map is None:
        return None
    first, end = block.map
    wanted = unquote(src)
    for number in range(first, min(end, len(lines))):
        if wanted and wanted in unquote(lines[number]):
            return number + 1
    return first + 1


def _data_uri(src: str, source: Path | None) -> str:
    if src.startswith("data:"):
        return src  # in the page already: markdown-it lets only PNG, JPEG, GIF and WebP through
    if _SCHEME.match(src):
        raise ValueError(
            "a remote image: the page would request it from another site whenever it is "
            "read; save the file in the authority's params folder and name it instead"
        )
    if source is None:
        raise ValueError("an image, where only text can be shown")
    name = unquote(src.split("#")[0].split("?")[0])
    root = source.parent.parent.resolve()
    inside = [
        path
        for path in ((source.parent / name).resolve(), (root / name).resolve())
        if path.is_relative_to(root)
    ]
    if not inside:
        raise ValueError(f"an image outside the authority's params folder ({root.name}/)")
    for path in inside:  # whichever exists is the image: a build notes both
        note_file(path)
    found = next((path for path in inside if path.is_file()), None)
    if found is None:
        raise ValueError(
            f"image file not found beside the narrative or in the authority's params folder "
            f"({root.name}/)"
        )
    return image_data_uri(found)


def image_data_uri(path: Path) -> str:
    """An image file as a ``data:`` URI, checked: its type, size and contents.

    Raises
    ------
    ValueError
        Saying why it cannot be shown: not a PNG, JPEG, GIF or SVG file, larger than
        :data:`IMAGE_LIMIT`, contents that are not what its name says, or an SVG holding
        script, event handlers or references to other files.
    """
    suffix = path.suffix.lower()
    if suffix not in IMAGE_TYPES:
        raise ValueError(
            f"not an image type pages show ({suffix or 'no extension'}): expected "
            + ", ".join(sorted(IMAGE_TYPES))
        )
    size = path.stat().st_size
    if size > IMAGE_LIMIT:
        raise ValueError(
            f"an image of {size / 1e6:,.1f} MB, larger than the {IMAGE_LIMIT / 1e6:g} MB a "
            "page may carry: save it smaller (a structure chart needs no more than "
            "1,600 pixels across)"
        )
    data = path.read_bytes()
    media, starts = IMAGE_TYPES[suffix]
    if not data.lstrip().startswith(starts):
        raise ValueError(f"the file's contents are not a {suffix[1:].upper()} image")
    if suffix == ".svg":
        _check_svg(data)
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def _check_svg(data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("an SVG file that is not UTF-8 text") from None
    active = _SVG_ACTIVE.search(text)
    if active:
        raise ValueError(
            f"an SVG holding script, event handlers or references to other files (at "
            f"'{active[0].strip()}'): export it again without them, or as PNG"
        )


def params_image(name: str, folder: Path, shown: str, key: str) -> str:
    """An image plan.yaml names (a signature), as a ``data:`` URI.

    ``name`` is relative to ``folder``, the authority's params folder; ``shown`` names
    plan.yaml and ``key`` the key that names the image.

    Raises
    ------
    InputError
        Naming plan.yaml and the key, for a file outside the folder, missing or unusable.
    """
    root = folder.resolve()
    path = (root / unquote(name)).resolve()
    try:
        if not path.is_relative_to(root):
            raise ValueError(f"an image outside the authority's params folder ({root.name}/)")
        note_file(path)  # a build notes it: a new signature rebuilds the section
        if not path.is_file():
            raise ValueError(f"image file not found in the params folder ({root.name}/)")
        return image_data_uri(path)
    except ValueError as exc:
        raise InputError([Problem(shown, str(exc), column=key, value=name)]) from None


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
    body = render_markdown(fill_placeholders(text, values, shown), source=path, shown=shown)
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
    note_file(path)
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
