"""outputs/<year>/website/: everything a service may put on its website, and nothing else.

The year's folder holds what the board needs too: board pages (unsuppressed, not for
publication), executed notebooks (unsuppressed values), manifests (how it was built). The
website folder is its public part alone, laid out as in the year's folder, so that every
link works the same in both and the folder can be copied as it is:

    website/index.html                      the public index (links public pages only)
    website/tables/<id>.csv, tables.xlsx    the comparison tables across services
    website/<slug>/public/...               each service's public pages, tables, spreadsheet
                                            (and PDFs, where they were made)

It is written from the year's folder after the index, in a staging folder swapped into place
whole; before the swap every link in its pages is checked to stay inside it, so a folder that
would link a board page, or anything outside itself, is never put in place.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from yjnb.publish.outputs import WORKBOOK
from yjnb.publish.staging import staging_folder, swap
from yjnb.publish.year_index import built_authorities

WEBSITE = "website"
# What may be published, by kind of file: pages, tables, spreadsheets, printable copies.
PUBLISHED_SUFFIXES = (".html", ".csv", ".xlsx", ".pdf")
PUBLIC = "public"

_LINK = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


class WebsiteError(ValueError):
    """The website folder would link outside itself or to nothing, or cannot be put in place."""


def write_website(year_dir: Path) -> Path:
    """Write ``<year_dir>/website/`` from the year's index and public folders; returns it.

    Call after :func:`yjnb.publish.outputs.write_index`: the public index is copied as it
    is. Only files whose kind may be published (:data:`PUBLISHED_SUFFIXES`) are copied, and
    never a hidden one.

    Raises
    ------
    WebsiteError
        If a page would link outside the folder or to a file not in it, or if an authority
        was built as ``website``; the folder there before is left as it was.
    """
    if (year_dir / WEBSITE / "manifest.json").exists():  # swapping would remove it
        raise WebsiteError(
            f"{year_dir.name}/{WEBSITE} holds an authority's build, where the website folder "
            "goes: rename that authority"
        )
    staging = staging_folder(year_dir, WEBSITE)
    try:
        _copy_file(year_dir / "index.html", staging / "index.html")
        _copy_file(year_dir / WORKBOOK, staging / WORKBOOK)
        _copy_tree(year_dir / "tables", staging / "tables")
        for built in built_authorities(year_dir):
            if PUBLIC in built.profiles:
                _copy_tree(built.folder / PUBLIC, staging / built.slug / PUBLIC)
        problems = broken_links(staging)
        if problems:
            raise WebsiteError(
                f"{year_dir.name}/{WEBSITE} not written: " + "; ".join(problems[:5])
            )
        swap(staging, year_dir / WEBSITE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return year_dir / WEBSITE


def _copy_file(source: Path, target: Path) -> None:
    if source.is_file() and _published(source.name):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _copy_tree(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part.startswith(".") for part in relative.parts) or path.is_symlink():
            continue
        if path.is_file():
            _copy_file(path, target / relative)


def _published(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(PUBLISHED_SUFFIXES)


def links(page: str) -> list[str]:
    """Every href and src in a page, as written (entities decoded)."""
    return [unescape(m[1] if m[1] is not None else m[2]) for m in _LINK.finditer(page)]


def broken_links(folder: Path) -> list[str]:
    """Every link in the folder's pages that leaves the folder or finds no file there.

    A link to another site (http, https, mailto, tel), within the page (``#...``) or to
    inline data (``data:``) is not a file, and is not checked.
    """
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    problems = []
    for page in sorted(folder.rglob("*.html")):
        where = page.relative_to(folder).as_posix()
        base = PurePosixPath(where).parent
        for link in dict.fromkeys(links(page.read_text(encoding="utf-8"))):
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "tel", "data") or not (
                parts.scheme or parts.netloc or parts.path
            ):
                continue
            if parts.scheme or parts.netloc or PurePosixPath(parts.path).is_absolute():
                problems.append(f"{where} links {link!r}, not a path inside the folder")
                continue
            # Nothing in the folder is a link (none is copied), so names resolve as written.
            target = posixpath.normpath((base / unquote(parts.path)).as_posix())
            if target == ".." or target.startswith("../"):
                problems.append(f"{where} links {link!r}, outside the folder")
            elif target not in files:
                problems.append(f"{where} links {link!r}, which is not in the folder")
    return problems
