"""`yjnb validate`: every problem with every input of the selected authorities, nothing written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from yjnb import reuse
from yjnb.errors import InputError, Problem, excerpt
from yjnb.inputs.config import PROFILES, PlanConfig, load_plan
from yjnb.inputs.draft import missing_parts
from yjnb.inputs.load import NationalData, check_local, check_national, load_national
from yjnb.inputs.plan_areas import check_plan_codes
from yjnb.narrative.content_figures import narrative_names
from yjnb.narrative.markdown import image_problems, read_narrative, unknown_placeholders
from yjnb.narrative.placeholders import describe
from yjnb.paths import Workspace, slug_problem
from yjnb.plan import warnings_only


def check_narrative(
    workspace: Workspace, slug: str, config: PlanConfig, strict: bool
) -> list[Problem]:
    """Missing narrative files (warnings, or errors when strict) and what cannot be shown.

    Unknown placeholders, and images that cannot be embedded.
    """
    names = {**describe(), **narrative_names(workspace, slug, config)}
    problems = []
    for section in config.plan_sections():
        path = workspace.narrative_file(slug, section.id)
        shown = workspace.shown(path)
        try:
            text = read_narrative(path, shown)
        except InputError as exc:
            problems += exc.problems
            continue
        if text is None:
            severity = "error" if strict else "warning"
            problems.append(Problem(shown, "narrative file missing", severity=severity))
            continue
        problems += unknown_placeholders(text, names, shown)
        problems += image_problems(text, path, shown)
    return problems


def check_authority(
    workspace: Workspace,
    slug: str,
    year: str | None,
    national: NationalData | None,
    strict: bool = False,
    final: bool = False,
) -> list[Problem]:
    """Every problem with one authority's plan, narrative and local data.

    If ``final``, each part a draft lacks (:func:`~yjnb.inputs.draft.missing_parts`) is an
    error too.

    ``national`` is the loaded national data, or None if it could not be loaded (then the
    checks that need it are left out: its own problems say why). An authority whose inputs
    all load is rehearsed (:func:`rehearse`), so that a build cannot fail on its inputs.
    """
    problem = slug_problem(slug, "authority")
    if problem:  # never a path: nothing outside params/ and data/local/ is read
        return [problem]
    found = []
    try:
        config = load_plan(workspace.params_dir, slug, overrides={"year": year})
    except InputError as exc:
        found += exc.problems
        config = None
    if config is not None and national is not None:
        found += check_plan_codes(config, national, workspace.shown(workspace.plan_file(slug)))
    found += check_local(workspace.data_dir, slug, national, config)
    loads = national is not None and not any(p.severity == "error" for p in found)
    if config is not None:
        found += check_narrative(workspace, slug, config, strict)
    if config is not None and final:
        found += [
            replace(p, severity="error", message=f"draft: {p.message}")
            for p in missing_parts(workspace, slug, config)
            if p not in found
        ]
    if loads:
        reported = {(p.file, p.row, p.column) for p in found if p.severity == "error"}
        found += [
            p
            for p in dict.fromkeys(rehearse(workspace, slug, year))
            if p not in found and (p.file, p.row, p.column) not in reported
        ]
    return found


def national_problems(workspace: Workspace) -> tuple[list[Problem], NationalData | None]:
    """The problems of data/national/, and the data loaded if none is an error."""
    problems = check_national(workspace.data_dir)
    if any(p.severity == "error" for p in problems):
        return problems, None
    return problems, load_national(workspace.data_dir)


def validate(
    workspace: Workspace,
    slugs: list[str],
    year: str | None = None,
    strict: bool = False,
    final: bool = False,
) -> list[Problem]:
    """Every problem found in the national data and each authority's inputs.

    An authority whose inputs all load is then rehearsed (:func:`rehearse`): every check a
    build makes is made, so a build cannot fail on an input that passed.
    """
    problems, national = national_problems(workspace)
    for slug in slugs:
        problems += check_authority(workspace, slug, year, national, strict, final)
    return problems


def rehearse(workspace: Workspace, slug: str, year: str | None = None) -> list[Problem]:
    """Run the code of each of an authority's section notebooks as a build does, showing nothing.

    Each notebook runs in a fresh namespace with the parameters a build gives it, for every
    profile; inputs are read once (:mod:`yjnb.reuse`). What a build would record as a data
    note, or stop on, is returned instead.

    Returns
    -------
    list of Problem
        The warnings each section records, the problems it is refused with, and an error
        for a section that fails for any other reason.
    """
    config = load_plan(workspace.params_dir, slug, overrides={"year": year})
    parameters = {
        "authority": slug,
        "year": config.year,
        "profiles": list(PROFILES),
        "params_dir": str(workspace.params_dir),
        "data_dir": str(workspace.data_dir),
    }
    problems: list[Problem] = []
    reuse.remember()
    try:
        for section in config.plan_sections():
            notebook = workspace.notebooks_dir / f"{section.id}.ipynb"
            with warnings_only() as warnings:
                try:
                    _run_code(notebook, parameters)
                except InputError as exc:
                    problems += exc.problems
                except Exception as exc:  # noqa: BLE001 - a build would stop here: say why
                    message = f"cannot be built: {type(exc).__name__}: {excerpt(exc)}"
                    problems.append(Problem(f"notebooks/{section.id}.ipynb", message))
            problems += warnings
    finally:
        reuse.forget()
    return problems


def _run_code(notebook: Path, parameters: dict[str, Any]) -> None:
    # As papermill does: the parameters cell runs, then the build's parameters replace its own.
    import nbformat

    namespace: dict[str, Any] = {"__name__": "__main__"}
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(notebook), "exec"), namespace)  # noqa: S102
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(parameters)
