"""The notebook-facing object: one authority's plan, its inputs and what a section displays.

A section notebook opens the plan once and then asks it for headings, narrative and tables.
Each displayed item is emitted once per profile, tagged in the output metadata, so one
execution serves both the board and the public pages.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from yjnb import reads
from yjnb.errors import InputError, Problem
from yjnb.inputs.config import CONTENT_BLOCKS, PROFILES, PlanConfig, Section, load_plan
from yjnb.inputs.load import LocalData, NationalData, load_local, load_national
from yjnb.inputs.plan_areas import check_plan_codes
from yjnb.inputs.tracking import QuotedValues
from yjnb.narrative.content_figures import content_values
from yjnb.narrative.markdown import (
    ByProfile,
    placeholder_names,
    read_narrative,
    render_narrative,
    values_for,
)
from yjnb.narrative.page_content import signed
from yjnb.narrative.placeholders import placeholder_values
from yjnb.narrative.typed_counts import plan_count_problems, text_count_problems
from yjnb.paths import Workspace, from_root
from yjnb.present.charts import Chart
from yjnb.present.headings import Heading
from yjnb.present.shown import percent
from yjnb.present.suppress import PUBLIC, Cells, Protected, withheld_cells
from yjnb.present.tables import Table
from yjnb.sections import comparisons, dashboard

ILLUSTRATIVE_TEXT = (
    "<strong>Illustrative text:</strong> written to demonstrate the plan, "
    "not this service's published words."
)
TABLE_MIME = "application/vnd.yjnb.table+json"
WARNING_MIME = "application/vnd.yjnb.warning+json"
Shown = Table | Chart | Protected | Heading


@dataclass
class Plan:
    """One authority's plan: settings, inputs and what has been shown."""

    slug: str
    config: PlanConfig
    workspace: Workspace
    national: NationalData
    local: LocalData
    profiles: tuple[str, ...] = ("board",)
    warnings: list[Problem] = field(default_factory=list)
    _notes_id: str = field(default="data-notes", init=False, repr=False)
    _indicators: tuple[comparisons.Comparison, frozenset[str]] | None = field(
        default=None, init=False, repr=False
    )
    # (caption, withheld, figures) of each table of local counts shown since the last notes
    _withheld: list[tuple[str, int, int]] = field(default_factory=list, init=False, repr=False)

    # -- computed once, shared by every table and placeholder --------------------------------
    @cached_property
    def sections(self) -> dict[str, Section]:
        """Sections of this plan by id, in order."""
        return {s.id: s for s in self.config.plan_sections()}

    @property
    def indicators(self) -> comparisons.Comparison:
        """Indicators for the authority and every comparator, with data-quality warnings.

        Computed once; what computing them read (:mod:`yjnb.reads`) is noted at every use,
        since the first may have been for placeholder values, whose reads are not noted.
        """
        if self._indicators is None:
            with reads.recording() as read:
                result = comparisons.compare_authority(self.config, self.national)
            self._indicators = (result, frozenset(read))
            for problem in result.warnings:
                self.warn(problem)
        reads.replay(self._indicators[1])
        return self._indicators[0]

    @cached_property
    def values(self) -> dict[str, str]:
        """Every placeholder name narrative may use, with its display value.

        Computing them all reads nearly every input; what a section depends on is only the
        values its narrative quotes, each noted as it is quoted (:meth:`narrative`).
        """
        with reads.paused():
            return narrative_values(self.config, self.national, self.local, self.indicators)

    # -- what a section displays ------------------------------------------------------------
    def heading(self, section_id: str) -> None:
        """Display the section's heading, as titled in this plan."""
        section = self._section(section_id)
        self._notes_id = f"data-notes-{section.id}"  # one data notes block a section
        text = f'<h2 id="{section.id}">{html.escape(section.title)}</h2>'
        self._emit(lambda _profile: {"text/html": text, "text/plain": section.title})

    def local_counts(self, names: set[str]) -> dict[str, ByProfile]:
        """The placeholders among ``names`` that quote a local count of children.

        Each as the board sees it and as the public table shows it: ``[c]`` where that table
        withholds the count (a small count, or one hidden so that another cannot be worked
        out). Built only for the names a narrative uses.
        """
        found: dict[str, ByProfile] = {}
        name = "dashboard.first_time_entrants"
        if name in names:
            table = dashboard.first_time_entrants_table(self)
            if isinstance(table, Protected):
                found[name] = _count_value(table, (dashboard.TOTAL,), self.config)
        return found

    def narrative(self, section_id: str) -> None:
        """Display the section's narrative, placeholders filled, or a marked placeholder.

        A placeholder quoting a local count of children shows, in the public profile, what
        the public table shows (:meth:`local_counts`).
        """
        self._section(section_id)
        path = self.workspace.narrative_file(self.slug, section_id)
        shown = self.workspace.shown(path)
        text = read_narrative(path, shown)
        values = {**self.values, **self.local_counts(placeholder_names(text or ""))}
        bodies: dict[str, str] = {}
        rendered: list[tuple[dict[str, str], str]] = []  # rendered once for equal values
        for profile in self.profiles:
            shown_values = values_for(values, profile)
            same = next((body for v, body in rendered if v == shown_values), None)
            if same is None:
                # Each placeholder quoted is noted, so an edit to its figure rebuilds the section.
                same, _ = render_narrative(path, QuotedValues(shown_values), shown, self.warn)
                rendered.append((shown_values, same))
            bodies[profile] = same
        if text is None:
            self.warn(Problem(shown, "narrative file missing: the section shows a placeholder"))
        elif "public" in self.profiles:  # a small count typed as words would be published
            threshold, safe = self.config.suppression_threshold, self.config.safe_numbers
            for problem in text_count_problems(text, shown, threshold, safe):
                self.warn(problem)
        plan_file = self.workspace.plan_file(self.slug)
        shown_plan = self.workspace.shown(plan_file)
        signature = signed(self.config, section_id, plan_file.parent, shown_plan)
        flag = ""
        if self.config.is_illustrative("narrative"):
            flag = f'<p class="yjnb-flag-block">{ILLUSTRATIVE_TEXT}</p>'
        self._emit(
            lambda profile: {
                "text/html": (
                    f'<div class="yjnb-narrative">{flag}{bodies[profile]}{signature}</div>'
                )
            }
        )

    def show(self, item: Shown | Sequence[Shown] | None) -> None:
        """Display a table, chart or heading, or several in order; None shows nothing.

        Published national figures are the same in every profile. Figures from local counts
        of children (:class:`~yjnb.present.suppress.Protected`) are drawn for each profile: whole
        for the board, with statistical disclosure control in public (counts from 1 to
        plan.yaml's ``suppression_threshold`` shown as [c]). A chart's data table is
        published with it, as tables/<id>.csv.
        """
        if item is None:  # a chart with no figures at all: its table says so
            return
        if isinstance(item, list | tuple):
            for one in item:
                self.show(one)
            return
        if isinstance(item, Heading):
            shown = {"text/html": item.to_html(), "text/plain": item.to_text()}
            self._emit(lambda _profile: shown)
            return
        if isinstance(item, Protected):
            threshold = self.config.suppression_threshold
            self._note_withheld(item)
            self._emit(lambda profile: _bundle(item.for_profile(profile, threshold)))
            return
        bundle = _bundle(item)
        self._emit(lambda _profile: bundle)

    def export(self, table: Table | Protected) -> None:
        """Publish a table as CSV and spreadsheet only (too long to read as a page)."""
        threshold = self.config.suppression_threshold
        if isinstance(table, Protected):
            self._note_withheld(table)

        def bundle(profile: str) -> dict[str, Any]:
            shown = (
                table.for_profile(profile, threshold) if isinstance(table, Protected) else table
            )
            text = f"{shown.caption}: {len(shown.data)} rows, written to tables/{shown.id}.csv"
            return {TABLE_MIME: table_payload(shown), "text/plain": text}

        self._emit(bundle, metadata={"export_only": True})

    def data_notes(self, *about: str) -> None:
        """Display the data-quality notes (board profile only).

        Every warning so far, or only those about the inputs named in ``about``: file names
        ('budget.csv', '07_resources.md'), folders ('narrative') or plan.yaml keys
        ('resources'). The text of each plan.yaml block named is first checked for small
        counts of children typed as words (:mod:`yjnb.narrative.typed_counts`).
        """
        blocks = [name for name in about if name in CONTENT_BLOCKS]
        if blocks and "public" in self.profiles:  # small counts typed into their text
            path = self.workspace.plan_file(self.slug)
            threshold, safe = self.config.suppression_threshold, self.config.safe_numbers
            shown = self.workspace.shown(path)
            for problem in plan_count_problems(path, shown, threshold, safe, blocks):
                self.warn(problem)
        notes = [p for p in self.warnings if not about or _concerns(p, about)]
        withheld, self._withheld = self._withheld, []
        if "board" not in self.profiles or not (notes or withheld):
            return
        items = "".join(f"<li>{html.escape(str(p))}</li>" for p in notes)
        listed = f"<ul>{items}</ul>" if notes else ""
        lines = [str(p) for p in notes]
        if withheld:
            intro, shares = self._withheld_lines(withheld)
            rows = "".join(f"<li>{html.escape(line)}</li>" for line in shares)
            listed += f"<p>{html.escape(intro)}</p><ul>{rows}</ul>"
            lines += [intro, *shares]
        block = (
            f'<aside class="yjnb-data-notes" aria-labelledby="{self._notes_id}">'
            f'<h3 id="{self._notes_id}">Data notes</h3>{listed}</aside>'
        )
        text = "Data notes:\n" + "\n".join(f"- {line}" for line in lines)
        self._emit(lambda _p: {"text/html": block, "text/plain": text}, profiles=("board",))

    def warn(self, problem: Problem) -> None:
        """Record a warning and emit it for the build's manifest (never into the HTML)."""
        if problem in self.warnings:
            return
        if problem.severity == "error":  # built after all: a note on the page, not a refusal
            problem = Problem(**{**problem.__dict__, "severity": "warning"})
        self.warnings.append(problem)
        payload = {k: v for k, v in problem.__dict__.items() if v is not None}
        _display(
            {WARNING_MIME: payload, "text/plain": f"{problem.severity.capitalize()}: {problem}"},
            {},
        )

    # -- helpers ----------------------------------------------------------------------------
    def _note_withheld(self, item: Protected) -> None:
        """Record how much of a table of local counts the public version withholds."""
        if "board" in self.profiles:
            public = item.for_profile(PUBLIC, self.config.suppression_threshold)
            table = public.data if isinstance(public, Chart) else public
            self._withheld.append((table.caption, *withheld_cells(public)))

    def _withheld_lines(self, withheld: list[tuple[str, int, int]]) -> tuple[str, list[str]]:
        threshold = self.config.suppression_threshold
        intro = (
            f"Withheld in the public version ([c]: counts from 1 to {threshold}, plan.yaml "
            "suppression_threshold, and the figures withheld with them), table by table:"
        )
        lines = [
            f"{caption}: {n:,} of {figures:,} figures ({percent(n, figures) or 0}%)"
            for caption, n, figures in withheld
        ]
        return intro, lines

    def _section(self, section_id: str) -> Section:
        try:
            return self.sections[section_id]
        except KeyError:
            raise InputError(
                [
                    Problem(
                        self.workspace.shown(self.workspace.plan_file(self.slug)),
                        f"section '{section_id}' is not in this plan",
                    )
                ]
            ) from None

    def _emit(
        self,
        bundle: Callable[[str], dict[str, Any]],
        profiles: tuple[str, ...] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        for profile in profiles or self.profiles:
            if profile in self.profiles:
                _display(bundle(profile), {"yjnb": {"profile": profile, **(metadata or {})}})


def _count_value(table: Protected, key: tuple, config: PlanConfig) -> ByProfile:
    """One count of a protected table: the board's figure, and the public table's."""
    counts = table.counts
    hidden = counts.suppressed(config.suppression_threshold)
    public = Cells(counts.frame.assign(suppressed=hidden))
    board = Cells(counts.frame.assign(suppressed=False))
    return ByProfile(board.text(key), public.text(key))


def narrative_values(
    config: PlanConfig,
    national: NationalData,
    local: LocalData,
    comparison: comparisons.Comparison,
) -> dict[str, str]:
    """Every placeholder name narrative may use, with its display value (see Plan.values)."""
    return {
        **content_values(config, local),
        **placeholder_values(config, national, comparison),
    }


def table_payload(table: Table) -> dict[str, Any]:
    """What publishing needs of a table: the CSV, and the notes that travel with it.

    Consumers read only the keys they know; keys are added, never removed.
    """
    return {
        "id": table.id,
        "caption": table.caption,
        "csv": table.to_csv(),
        "notes": list(table.notes),
        "source": table.source,
        "illustrative": table.illustrative,
    }


def _bundle(item: Table | Chart) -> dict[str, Any]:
    table = item.data if isinstance(item, Chart) else item
    return {
        "text/html": item.to_html(),
        "text/plain": item.to_text(),
        TABLE_MIME: table_payload(table),
    }


def _concerns(problem: Problem, about: tuple[str, ...]) -> bool:
    key = (problem.column or "").split(".")[0] if problem.file.endswith("plan.yaml") else None
    parts = problem.file.split("/")
    return any(problem.file.endswith(name) or name in (key, *parts) for name in about)


def _display(data: dict[str, Any], metadata: dict[str, Any]) -> None:
    from IPython.display import display  # only inside a kernel

    display(data, metadata=metadata, raw=True)


@contextmanager
def warnings_only() -> Iterator[list[Problem]]:
    """Inside the block, plans display nothing: the warnings they record are collected.

    Everything a section shows is still made, for every profile, so what would fail in a
    build fails here too (``yjnb validate`` runs each section's code this way).
    """
    global _display
    warnings: list[Problem] = []

    def keep(data: dict[str, Any], _metadata: dict[str, Any]) -> None:
        if WARNING_MIME in data:
            warnings.append(Problem(**data[WARNING_MIME]))

    shown, _display = _display, keep
    try:
        yield warnings
    finally:
        _display = shown


def open_plan(
    authority: str,
    year: str | None = None,
    profiles: list[str] | tuple[str, ...] = ("board",),
    params_dir: Path | str | None = None,
    data_dir: Path | str | None = None,
) -> Plan:
    """Load and validate one authority's settings and inputs.

    Parameters
    ----------
    authority
        The slug: the folder name under params/ and data/local/.
    year
        Overrides plan.yaml's ``year``.
    profiles
        Which profiles to display: ``board``, ``public`` or both.
    params_dir, data_dir
        Where inputs are read, relative to the project root (the batch passes them so, to
        record no local folder); default: the project's own.
    """
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise InputError(
            [Problem("parameters", f"unknown profile {unknown}", expected=str(PROFILES))]
        )
    workspace = Workspace.from_args(from_root(params_dir), from_root(data_dir))
    config = load_plan(workspace.params_dir, authority, overrides={"year": year})
    national = load_national(workspace.data_dir)
    problems = check_plan_codes(config, national, workspace.shown(workspace.plan_file(authority)))
    if problems:
        raise InputError(problems)
    local = load_local(workspace.data_dir, authority, national, config)
    plan = Plan(authority, config, workspace, national, local, tuple(profiles))
    for problem in national.warnings + local.warnings:
        plan.warn(problem)
    return plan
