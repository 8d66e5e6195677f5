"""PDF copies of the pages (`yjnb run --pdf`), printed by headless Chromium.

Each page's print stylesheet makes it a document like a published plan: A4, each section on
a new page, no table row split across pages, table headings repeated, and a running header
naming the service, the page and its version (:func:`running_header`). ``plan.pdf`` and
``performance-appendix.pdf`` are written beside the HTML they are printed from.

Chromium is the one installed on the machine (``chromium`` on PATH, or /usr/bin/chromium;
``YJNB_CHROMIUM`` names another): yjnb never downloads a browser. Each PDF is printed by its
own Chromium process, with a throwaway profile and every network feature off (the pages
request nothing anyway), a few at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from yjnb.errors import InputError, Problem

PAGES = ("plan.html", "performance-appendix.html")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
PRINT_TIMEOUT = 300.0  # seconds for one page: a plan prints in a few
# Headless, no first-run work, nothing fetched in the background, no headers and footers of
# Chromium's own (the page's stylesheet sets them).
CHROMIUM_ARGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-pdf-header-footer",
)


class ChromiumMissing(InputError):
    """No Chromium to print with: `yjnb run --pdf` stops before building anything."""

    def __init__(self, message: str):
        super().__init__([Problem("--pdf", message)])


@dataclass(frozen=True)
class Printed:
    """One PDF written, and how long Chromium took."""

    path: Path
    seconds: float


def running_header(authority: str, title: str, version: str) -> Markup:
    """The text printed at the top of every page, as a CSS string literal.

    Every character but ASCII letters and digits is written as a CSS escape of six hex
    digits, so no text from plan.yaml can end the string or the ``<style>`` element it is
    printed in. (A space after an escape would be read as part of it, so spaces are escaped
    too.)
    """
    text = f"{authority} \u00b7 {title} \u00b7 {version}"
    escaped = "".join(
        char if char.isascii() and char.isalnum() else f"\\{ord(char):06x}"
        for char in " ".join(text.split())
    )
    return Markup(f'"{escaped}"')


def find_chromium(named: str | None = None) -> Path:
    """The Chromium to print with: ``named``, else ``YJNB_CHROMIUM``, else one installed.

    Raises
    ------
    ChromiumMissing
        Saying where it looked and how to install one.
    """
    wanted = named or os.environ.get("YJNB_CHROMIUM")
    if wanted:
        path = Path(wanted).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise ChromiumMissing(f"no Chromium at {wanted} (named by YJNB_CHROMIUM)")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if DEBIAN_CHROMIUM.is_file():
        return DEBIAN_CHROMIUM
    raise ChromiumMissing(
        "Chromium is needed to print the pages, and none is installed (looked for "
        + ", ".join(BROWSER_NAMES)
        + f" on PATH and {DEBIAN_CHROMIUM}). Install your system's chromium package "
        "(Debian and Ubuntu: `apt-get install chromium`), or name one with YJNB_CHROMIUM; "
        "the HTML pages are built without it."
    )


def print_pdf(page: Path, chromium: Path, timeout: float = PRINT_TIMEOUT) -> Printed:
    """Print one HTML page to a PDF beside it (``plan.html`` to ``plan.pdf``).

    The PDF is written under a temporary name and renamed into place, so an earlier PDF is
    replaced only by a complete one.

    Raises
    ------
    RuntimeError
        If Chromium fails, times out or writes no PDF, with what it printed.
    """
    target = page.with_suffix(".pdf")
    partial = page.with_name(f".{target.name}.partial")
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="yjnb-chromium-") as profile:
            command = [
                str(chromium),
                *CHROMIUM_ARGS,
                *(["--no-sandbox"] if os.geteuid() == 0 else []),  # else Chromium refuses root
                f"--user-data-dir={profile}",
                f"--print-to-pdf={partial}",
                page.resolve().as_uri(),
            ]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{page.name}: Chromium took over {timeout:.0f} s") from None
        written = partial.is_file() and partial.read_bytes()[:5] == b"%PDF-"
        if done.returncode != 0 or not written:
            said = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise RuntimeError(
                f"{page.name}: Chromium wrote no PDF (exit {done.returncode}): " + " / ".join(said)
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # what a failed or interrupted print left
    return Printed(target, time.perf_counter() - started)


def pages_to_print(folders: Iterable[Path]) -> list[Path]:
    """The plan and appendix pages in each profile folder, whose PDF is missing or older."""
    found = []
    for folder in folders:
        for name in PAGES:
            page = folder / name
            pdf = page.with_suffix(".pdf")
            if page.is_file() and (
                not pdf.is_file() or pdf.stat().st_mtime < page.stat().st_mtime
            ):
                found.append(page)
    return found


def print_pdfs(
    pages: list[Path], chromium: Path, at_once: int = 2
) -> tuple[list[Printed], list[str]]:
    """Print every page, ``at_once`` Chromium processes at a time.

    Returns what was printed, and a message for each page that could not be.
    """
    printed: list[Printed] = []
    failures: list[str] = []
    if not pages:
        return printed, failures
    with ThreadPoolExecutor(max_workers=max(1, at_once)) as pool:
        futures = [(page, pool.submit(print_pdf, page, chromium)) for page in pages]
        for page, future in futures:
            try:
                printed.append(future.result())
            except (RuntimeError, OSError) as exc:
                failures.append(f"{page.parent.parent.name}/{page.parent.name}: {exc}")
    return printed, failures
