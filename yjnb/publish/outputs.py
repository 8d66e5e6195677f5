"""Publishing: executed section notebooks to pages, tables, manifest, and the year's index."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.exporters import TemplateExporter

from yjnb.errors import in_words
from yjnb.inputs.config import PROFILES, PlanConfig, Section
from yjnb.inputs.periods import parse_financial_year
from yjnb.narrative.page_content import back_page_html
from yjnb.paths import TEMPLATES_DIR
from yjnb.plan import TABLE_MIME, WARNING_MIME, table_payload
from yjnb.publish import spreadsheet, year_index
from yjnb.publish.memo import OutputMemo, digest
from yjnb.publish.navigation import add_navigation
from yjnb.publish.pdf import running_header
from yjnb.publish.provenance import sha256, versions
from yjnb.publish.staging import signals_deferred, staging_folder, swap

PROFILE_NOTES = {
    "board": "Unsuppressed, for the management board. Not for publication.",
    "public": "Small numbers from the service's own data are withheld and shown as [c].",
}
PROFILE_LABELS = {"board": "Board version", "public": "Public version"}
# What the page says of its downloads: only the public version is published.
DOWNLOADS_INTRO = {
    "board": "The figures on this page, for the management board only:",
    "public": "The figures on this page are published for reuse:",
}
# ... and what a draft's page says of them, in either version: a draft is published by no one.
DRAFT_DOWNLOADS_INTRO = "The figures on this page, a draft, to check before the plan is finished:"
# What the spreadsheet's cover says its tables are, by profile.
WORKBOOK_INTRO = {
    "board": "The tables of {name}'s Youth Justice Plan {year}, board version, for the "
    "management board only.",
    "public": "The tables published with {name}'s Youth Justice Plan {year}, public version.",
}
WORKBOOK = "tables.xlsx"
BOARD_INDEX = "board-index.html"  # beside the year's index: the board pages, not for publication
APPENDIX_TITLE = "Performance appendix"
APPENDIX_PAGE = "performance-appendix.html"
GLANCE = "at-a-glance"  # the id of the year at a glance, which opens the appendix


@dataclass(frozen=True)
class Executed:
    """One section notebook after execution."""

    section: Section
    notebook: nbformat.NotebookNode
    seconds: float


_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt\s*=)[^>]*>", re.IGNORECASE)


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter with yjnb's template, as the template writes the page.

    HTMLExporter ends by parsing the whole page with BeautifulSoup and writing it out again,
    to give images without a text alternative a stock one and to make notebook cells
    focusable. yjnb's pages have no notebook cells, and every image yjnb draws has its own
    text alternative, so that pass (most of the time a page takes) is skipped; an image
    without one is an error, not something to paper over. The notebook is validated once
    after the preprocessors rather than after each.
    """

    def __init__(self, **kw: Any):
        super().__init__(
            template_name="yjnb",
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            optimistic_validation=True,
            **kw,
        )

    def _create_environment(self) -> Environment:
        """The template environment, with every value escaped unless marked safe.

        The page chrome prints plan.yaml's text (the service's name, section titles, the
        footer); only yjnb's own markup is passed through, marked safe in the template.
        """
        environment = super()._create_environment()
        environment.autoescape = True
        return environment

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """The page, as HTMLExporter makes it without its final re-parse.

        TemplateExporter's public method renders the template with this exporter's
        resources and filters; HTMLExporter's own adds only the re-parse and the widget-aware
        choice of each output's format, which pages without widgets do not need (nbconvert's
        plain choice, by the same priority, is used). tests/publishing/test_render_page.py
        checks both against the pinned nbconvert.
        """
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        missing = _IMAGE_WITHOUT_ALT.search(page)
        if missing:
            raise ValueError(f"an image has no text alternative: {missing.group(0)[:80]}...")
        return page, resources


@cache
def _exporter() -> PageExporter:
    return PageExporter()


def render_page(
    executed: list[Executed],
    profile: str,
    title: str,
    authority: str,
    footer: list[str],
    downloads: Sequence[dict[str, str]] = (),
    draft: Sequence[str] = (),
    parts_in_contents: bool = False,
    back_page: str = "",
    glance: str = "",
) -> str:
    """One self-contained HTML page of the given sections, for one profile.

    ``downloads`` are links offered at the top of the page: dicts of href, text and detail.
    ``draft`` is what the plan still lacks (:func:`~yjnb.inputs.draft.missing_parts`): if
    anything, the page says it is a draft, and how much is missing; the board's page lists it.
    The contents are made from the page's headings (:func:`add_navigation`): with each
    section's parts too if ``parts_in_contents``. ``back_page`` (HTML, from
    :func:`back_page_html`) ends the page. ``glance``, if given, is the address of the year
    at a glance, linked from the top.
    """
    merged = nbformat.v4.new_notebook()
    merged.metadata = executed[0].notebook.metadata if executed else {}
    for item in executed:
        merged.cells.extend(_on_page(cell, profile) for cell in item.notebook.cells)
    resources = {
        "yjnb": {
            "title": title,
            "authority": authority,
            "profile": profile,
            "profile_note": PROFILE_NOTES[profile],
            "profile_label": PROFILE_LABELS[profile],
            "downloads": list(downloads),
            "downloads_intro": DRAFT_DOWNLOADS_INTRO if draft else DOWNLOADS_INTRO[profile],
            "glance": glance,
            "sections": [{"id": e.section.id, "title": e.section.title} for e in executed],
            "footer": footer,
            "draft": list(draft),
            "running_header": running_header(
                authority, title, _print_version(profile, bool(draft))
            ),
            "back_page": Markup(back_page),
        }
    }
    body, _ = _exporter().from_notebook_node(merged, resources=resources)
    return add_navigation(body, parts_in_contents)


def _print_version(profile: str, draft: bool) -> str:
    # What each printed page says of its version: a board copy says it is not for publication,
    # a draft that it is one.
    label = PROFILE_LABELS[profile]
    label = f"{label}, not for publication" if profile == "board" else label
    return f"Draft, {label[0].lower()}{label[1:]}" if draft else label


def _on_page(cell: nbformat.NotebookNode, profile: str) -> nbformat.NotebookNode:
    """The cell with only the outputs the profile's page shows (not those only exported).

    A shallow copy: nbconvert copies what it is given, so sharing outputs is safe, and it
    copies only what the page shows, not both profiles' outputs.
    """
    if "outputs" not in cell:
        return cell
    shown = nbformat.NotebookNode(cell)
    shown.outputs = [
        output
        for output in cell.outputs
        if _yjnb(output).get("profile") == profile and not _yjnb(output).get("export_only")
    ]
    return shown


def _yjnb(output: dict[str, Any]) -> dict[str, Any]:
    """What yjnb recorded of an output: its profile, whether it is only exported."""
    return output.get("metadata", {}).get("yjnb", {})


def _outputs(notebook: nbformat.NotebookNode, mime: str, profile: str | None = None):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data and (profile is None or _yjnb(output).get("profile") == profile):
                yield data[mime]


def _shows(executed: list[Executed], profile: str, anchor: str) -> bool:
    """Whether a profile's page of these sections has an element with this id."""
    found = f' id="{anchor}"'
    return any(found in html for item in executed
               for html in _outputs(item.notebook, "text/html", profile))  # fmt: skip


def tables_of(executed: list[Executed], profile: str) -> dict[str, dict[str, str]]:
    """Every table a profile's pages publish, by id, in order of appearance."""
    found: dict[str, dict[str, str]] = {}
    for item in executed:
        for payload in _outputs(item.notebook, TABLE_MIME, profile):
            found[payload["id"]] = payload
    return found


def warnings_of(executed: list[Executed]) -> list[dict[str, Any]]:
    """Every warning raised while executing, without repeats."""
    seen: list[dict[str, Any]] = []
    for item in executed:
        for payload in _outputs(item.notebook, WARNING_MIME):
            if payload not in seen:
                seen.append(dict(payload))
    return seen


def publish_authority(
    staging: Path,
    slug: str,
    config: PlanConfig,
    executed: list[Executed],
    inputs: dict[str, Path],
    parameters: dict[str, Any],
    profiles: tuple[str, ...] = PROFILES,
    draft: Sequence[str] = (),
    memo: OutputMemo | None = None,
) -> dict[str, Any]:
    """Write one authority's pages, tables, notebooks and manifest into ``staging``.

    ``draft``: what the plan still lacks, each naming its file (empty when it is finished);
    every page of a draft says so, and the manifest lists it for the year's index. ``memo``
    may hold the last build's pages and spreadsheets, to be copied where they would be made
    from the same parts (:mod:`yjnb.publish.memo`). Returns the manifest.
    """
    memo = memo or OutputMemo(staging)
    made_from = {id(e): _page_digest(e.notebook) for e in executed}
    footer = [
        f"{config.name} Youth Justice Plan {config.year}.",
        "Produced with yjnb from published national statistics and the service's own returns.",
    ]
    appendix = [e for e in executed if e.section.appendix]
    for profile in profiles:
        folder = staging / profile
        (folder / "tables").mkdir(parents=True, exist_ok=True)
        tables = tables_of(executed, profile)
        for table_id, payload in tables.items():
            (folder / "tables" / f"{table_id}.csv").write_text(payload["csv"], encoding="utf-8")
        downloads = _workbook(folder / WORKBOOK, tables, config, profile, memo)
        back = back_page_html(config.back_page)
        glance = f"{APPENDIX_PAGE}#{GLANCE}" if _shows(appendix, profile, GLANCE) else ""
        for name, shown, title, parts, link in (
            ("plan.html", executed, f"Youth Justice Plan {config.year}", False, glance),
            (APPENDIX_PAGE, appendix, f"{APPENDIX_TITLE} {config.year}", True, ""),
        ):
            page = _Page(
                shown, profile, title, config.name, footer, downloads, list(draft), parts, back,
                link,
            )  # fmt: skip
            memo.make(folder / name, page.key(made_from), page.writer(folder / name))
    notebooks = staging / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for item in executed:
        path = notebooks / f"{item.section.id}.ipynb"
        if not path.exists():  # in a batch, Papermill has written it there already
            nbformat.write(item.notebook, path)
    manifest = {
        "authority": slug,
        "name": config.name,
        "area_code": config.area_code,
        "year": config.year,
        "parameters": parameters,
        "inputs": {name: sha256(path) for name, path in sorted(inputs.items())},
        "versions": versions(),
        "timings": {item.section.id: round(item.seconds, 3) for item in executed},
        "warnings": warnings_of(executed),
        "draft": list(draft),
        "outputs": memo.record,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (staging / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


# What Papermill records of each run (times, the staging folder written to, a new id for the
# cell of parameters it adds), never shown on a page: left out of a page's digest, so that a
# section kept from the last build and the same section executed again make the same page,
# with the same digest.
RUN_RECORDS = ("papermill", "execution")


def _page_digest(notebook: nbformat.NotebookNode) -> str:
    """A digest of what a page shows of an executed notebook (:data:`RUN_RECORDS` left out)."""

    def without_runs(metadata: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in metadata.items() if k not in RUN_RECORDS}

    cells = [
        {
            **{k: v for k, v in c.items() if k != "id"},
            "metadata": without_runs(c.get("metadata", {})),
        }
        for c in notebook.cells
    ]
    return digest(without_runs(notebook.metadata), cells)


@dataclass(frozen=True)
class _Page:
    """What a page is made from: rendered by :func:`render_page`, digested for the memo."""

    executed: list[Executed]
    profile: str
    title: str
    authority: str
    footer: list[str]
    downloads: list[dict[str, str]]
    draft: list[str]
    parts_in_contents: bool
    back_page: str
    glance: str

    def key(self, made_from: dict[int, str]) -> str:
        """A digest of the parts (each notebook by its digest in ``made_from``)."""
        sections = [(e.section.id, e.section.title, made_from[id(e)]) for e in self.executed]
        return digest(sections, self.profile, self.title, self.authority, self.footer,
                      self.downloads, self.draft, self.parts_in_contents,
                      self.back_page, self.glance)  # fmt: skip

    def writer(self, path: Path) -> Callable[[], None]:
        """Render the page into ``path``."""

        def write() -> None:
            page = render_page(
                self.executed, self.profile, self.title, self.authority, self.footer,
                self.downloads, self.draft, self.parts_in_contents, self.back_page,
                self.glance,
            )  # fmt: skip
            path.write_text(page, encoding="utf-8")

        return write


def plan_year_start(year: str) -> datetime.datetime:
    """The first day of the plan year: the fixed creation date recorded in spreadsheets."""
    start, _ = parse_financial_year(year)
    return datetime.datetime.combine(start, datetime.time())


def _workbook(
    path: Path,
    tables: dict[str, dict[str, Any]],
    config: PlanConfig,
    profile: str,
    memo: OutputMemo,
) -> list[dict[str, str]]:
    """Write a profile's tables.xlsx; returns the page's download link for it."""
    if not tables:
        return []
    label = PROFILE_LABELS[profile].lower()
    title = f"{config.name}: Youth Justice Plan {config.year}, tables ({label})"
    intro = [
        WORKBOOK_INTRO[profile].format(name=config.name, year=config.year),
        PROFILE_NOTES[profile],
    ]
    created = plan_year_start(config.year)
    written = memo.make(
        path,
        digest(list(tables.values()), title, intro, created),
        lambda: spreadsheet.write_workbook(
            path, tables.values(), title=title, intro=intro, created=created
        ),
    )
    count = f"{len(written)} table{'s' if len(written) != 1 else ''}"
    return [
        {
            "href": WORKBOOK,
            "text": "Every table in the plan, as a spreadsheet",
            "detail": f"XLSX, {count}",
        }
    ]


def write_index(year_dir: Path, year: str) -> Path:
    """outputs/<year>/index.html: every authority built, links to public pages, comparisons.

    The index links only the public pages: the board pages are listed in ``board-index.html``
    beside it, marked not for publication. The comparison tables are also written as
    ``tables/<id>.csv`` and ``tables.xlsx`` beside the index. All are written in a staging
    folder, then swapped into place while Ctrl-C waits: an interrupted run leaves the earlier
    ones, never a mixture. The website folder is written from them afterwards
    (:func:`yjnb.publish.website.write_website`).
    """
    if (year_dir / "tables" / "manifest.json").exists():  # swapping would remove it
        raise ValueError(
            f"{year_dir.name}/tables holds an authority's build, where the index keeps its "
            "tables: rename that authority"
        )
    built = year_index.built_authorities(year_dir)
    entries = [
        {
            "slug": b.slug,
            "name": b.name,
            "profiles": b.profiles,
            "workbooks": {p: (b.folder / p / WORKBOOK).exists() for p in b.profiles},
            "draft": len(b.draft),
        }
        for b in built
    ]
    indicator_tables = year_index.indicator_tables(year_index.latest_indicators(built))
    kpi_tables = year_index.kpi_tables(year_index.latest_kpis(built))
    comparisons = indicator_tables + kpi_tables
    env = Environment(
        loader=FileSystemLoader([TEMPLATES_DIR, TEMPLATES_DIR / "yjnb"]),
        autoescape=select_autoescape(default=True),
    )
    board_page = env.get_template("board_index.html.j2").render(year=year, entries=entries)
    page = env.get_template("index_page.html.j2").render(
        year=year,
        entries=entries,
        workbook=WORKBOOK if comparisons else None,
        indicator_tables=[Markup(t.to_html()) for t in indicator_tables],
        kpi_tables=[Markup(t.to_html()) for t in kpi_tables],
        illustrative_kpis=in_words(year_index.illustrative_services(kpi_tables) or [""]),
    )
    staging = staging_folder(year_dir, "index")
    try:
        (staging / "tables").mkdir()
        for table in comparisons:
            (staging / "tables" / f"{table.id}.csv").write_text(table.to_csv(), encoding="utf-8")
        if comparisons:
            spreadsheet.write_workbook(
                staging / WORKBOOK,
                [table_payload(t) for t in comparisons],
                title=f"Youth Justice Plans {year}: comparisons across services",
                intro=[
                    f"Comparison tables across every Youth Justice Service built for {year}, "
                    "from the public version of each service's plan."
                ],
                created=plan_year_start(year),
            )
        (staging / "index.html").write_text(page, encoding="utf-8")
        (staging / BOARD_INDEX).write_text(board_page, encoding="utf-8")
        with signals_deferred():  # the tables first: the new index links only new tables
            swap(staging / "tables", year_dir / "tables")
            if (staging / WORKBOOK).exists():
                os.replace(staging / WORKBOOK, year_dir / WORKBOOK)
            else:
                (year_dir / WORKBOOK).unlink(missing_ok=True)
            os.replace(staging / BOARD_INDEX, year_dir / BOARD_INDEX)
            os.replace(staging / "index.html", year_dir / "index.html")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return year_dir / "index.html"
