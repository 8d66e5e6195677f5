"""Measure how a build's pages read in a browser: height, wide tables, long row headers, arrows.

For every plan.html and performance-appendix.html of a build (each authority, each profile),
opened in headless Chromium at 1280 and 390 CSS pixels wide, it reports:

- ``height``: the page's height in CSS pixels;
- ``wide``: tables cut off or scrolling sideways: a table wider than its container (it
  scrolls, or is clipped) or reaching past the right edge of the window;
- ``bare``: of those, tables with no designed fallback: not inside a scroll region a
  keyboard can reach and a screen reader names (``role=region``, ``aria-label``,
  ``tabindex=0``);
- ``clipped``: table cells whose text is cut off inside the cell;
- ``tall_headers``: row headers (``th[scope=row]``) rendered taller than four lines of
  their text (``long_headers``: those whose own text runs to more than four lines);
- ``contradictions``: change cells whose arrow or word (▲ up, ▼ down, ● no change) says
  one thing while the change in percentage points beside it says another, as in
  ``▼ down 6 (+4.2 points)``.

Usage::

    python scripts/page_metrics.py OUTPUT_DIR [--json FILE] [--examples N]

OUTPUT_DIR is what ``yjnb run --output-dir`` was given (or one year's folder in it).
Chromium is /usr/bin/chromium, driven by Playwright; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip
WIDTHS = (1280, 390)
PAGES = ("plan.html", "performance-appendix.html")
MAX_LINES = 4

# Everything measured in the page in one pass; text is returned so Python reads the arrows.
MEASURE = """(maxLines) => {
  const viewport = document.documentElement.clientWidth;
  const height = document.documentElement.scrollHeight;
  // The figures behind each chart are read by opening them: measure their tables open.
  for (const d of document.querySelectorAll('details')) d.open = true;
  const boxLines = (el) => {
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
    const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return Math.round(inner / line);
  };
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.bottom));
    return tops.size;
  };
  const tables = Array.from(document.querySelectorAll('table'));
  const wide = [], bare = [];
  for (const t of tables) {
    const box = t.getBoundingClientRect();
    const parent = t.parentElement;
    const over = t.scrollWidth > parent.clientWidth + 1 || box.right > viewport + 1
      || t.scrollWidth > t.clientWidth + 1;
    if (!over) continue;
    const caption = (t.caption ? t.caption.innerText : '(no caption)').slice(0, 90);
    wide.push(caption);
    const region = t.closest('[role=region]');
    const designed = region && region.hasAttribute('aria-label') && region.tabIndex === 0
      && getComputedStyle(region).overflowX !== 'visible';
    if (!designed) bare.push(caption);
  }
  const clipped = [];
  for (const cell of document.querySelectorAll('td, th')) {
    if (cell.scrollWidth > cell.clientWidth + 1 && getComputedStyle(cell).overflow !== 'visible')
      clipped.push(cell.innerText.slice(0, 60));
  }
  const long = [], tall = [];
  for (const th of document.querySelectorAll('th[scope=row]')) {
    const n = lines(th);
    if (n > maxLines) long.push([n, th.innerText.slice(0, 90)]);
    const m = boxLines(th);
    if (m > maxLines) tall.push([m, th.innerText.slice(0, 90)]);
  }
  const cells = Array.from(document.querySelectorAll('td, th'))
    .map((c) => c.innerText).filter((t) => /[▲▼●]/.test(t));
  return {
    height,
    page_wider_than_window: document.documentElement.scrollWidth > viewport + 1,
    tables: tables.length, wide, bare, clipped, long, tall, cells,
    links_in_page: document.querySelectorAll('a[href^="#"]').length,
  };
}"""

ARROWS = {"▲": 1, "▼": -1, "●": 0}
WORDS = {"up": 1, "down": -1, "no change": 0, "higher": 1, "lower": -1, "similar": 0}
DIRECTION = re.compile(r"([▲▼●])\s*(up|down|no change|higher|lower|similar)?", re.IGNORECASE)
SIGNED_POINTS = re.compile(r"([+\-−])\s?(\d[\d,]*(?:\.\d+)?)\s*(?:percentage\s+)?points")
WORD_POINTS = re.compile(r"\b(up|down)\s+(\d[\d,]*(?:\.\d+)?)\s*(?:percentage\s+)?points")
NO_POINTS = re.compile(r"no change in the percentage")


def direction_of_points(text: str) -> int | None:
    """The direction of the change in percentage points a cell states, if it states one."""
    signed = SIGNED_POINTS.search(text)
    if signed:
        value = float(signed.group(2).replace(",", ""))
        return 0 if value == 0 else (1 if signed.group(1) == "+" else -1)
    worded = WORD_POINTS.search(text)
    if worded:
        return 0 if float(worded.group(2).replace(",", "")) == 0 else WORDS[worded.group(1)]
    if NO_POINTS.search(text):
        return 0
    return None


def contradicts(text: str) -> bool:
    """Whether a cell's arrow or word points another way than its change in points.

    ``▼ down 6 (+4.2 points)`` does; ``▲ up 4.2 points (6 fewer children)`` and
    ``▲ up 3`` (no points) do not. An arrow whose own word disagrees with it does too.
    """
    found = DIRECTION.search(text)
    if not found:
        return False
    arrow = ARROWS[found.group(1)]
    word = found.group(2)
    if word is not None and WORDS[word.lower()] != arrow:
        return True
    moved = direction_of_points(text)
    return moved is not None and moved != arrow


@dataclass
class PageFigures:
    """What one page measured at one width."""

    authority: str
    profile: str
    page: str
    width: int
    height: int
    tables: int
    wide: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)
    tall_headers: list[list] = field(default_factory=list)
    long_headers: list[list] = field(default_factory=list)
    change_cells: int = 0
    contradictions: list[str] = field(default_factory=list)
    page_wider_than_window: bool = False
    links_in_page: int = 0


def pages_of(output: Path) -> list[tuple[str, str, Path]]:
    """(authority, profile, page) for every plan page under ``output``, in a fixed order.

    The copies in a year's ``website/`` folder are the same pages: measured once.
    """
    found = []
    for path in sorted(output.rglob("*.html")):
        if "website" in path.relative_to(output).parts:
            continue
        if path.name in PAGES and path.parent.name in ("board", "public"):
            found.append((path.parent.parent.name, path.parent.name, path))
    return found


def measure(page: Page, path: Path, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page.evaluate(MEASURE, MAX_LINES)


def run(output: Path) -> list[PageFigures]:
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("file:", "data:")) else route.abort())  # fmt: skip
        for authority, profile, path in pages_of(output):
            for width in WIDTHS:
                got = measure(page, path, width)
                cells = got["cells"]
                results.append(
                    PageFigures(
                        authority=authority,
                        profile=profile,
                        page=path.name,
                        width=width,
                        height=got["height"],
                        tables=got["tables"],
                        wide=got["wide"],
                        bare=got["bare"],
                        clipped=got["clipped"],
                        tall_headers=got["tall"],
                        long_headers=got["long"],
                        change_cells=len(cells),
                        contradictions=[c for c in cells if contradicts(c)],
                        page_wider_than_window=got["page_wider_than_window"],
                        links_in_page=got["links_in_page"],
                    )
                )
        browser.close()
    return results


def report(results: list[PageFigures], examples: int) -> str:
    lines = [
        "| authority | profile | page | width | height px | tables | wide | of which no "
        "fallback | clipped cells | row headers > 4 lines tall | of which text > 4 lines "
        "| change cells | contradictions | in-page links |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.authority} | {r.profile} | {r.page} | {r.width} | {r.height:,} | "
            f"{r.tables} | {len(r.wide)} | {len(r.bare)} | {len(r.clipped)} | "
            f"{len(r.tall_headers)} | {len(r.long_headers)} | {r.change_cells} | "
            f"{len(r.contradictions)} | {r.links_in_page} |"
        )
    if examples:
        for r in results:
            shown = [
                *(f"  wide: {c}" for c in r.wide[:examples]),
                *(f"  tall header ({n} lines): {t}" for n, t in r.tall_headers[:examples]),
                *(f"  contradiction: {c}" for c in r.contradictions[:examples]),
                *(f"  clipped: {c}" for c in r.clipped[:examples]),
            ]
            if shown:
                lines.append(f"\n{r.authority}/{r.profile}/{r.page} at {r.width}px:")
                lines += shown
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path, help="a build's output folder")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument("--examples", type=int, default=0, help="examples to list per page")
    args = parser.parse_args(argv)
    if not pages_of(args.output):
        print(f"no plan.html or performance-appendix.html under {args.output}", file=sys.stderr)
        return 2
    results = run(args.output)
    print(report(results, args.examples))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
