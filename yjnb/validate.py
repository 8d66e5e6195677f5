"""`yjnb validate`: every problem with every input of the selected authorities, nothing written."""

from __future__ import annotations

from yjnb.config import PlanConfig, load_plan
from yjnb.errors import InputError, Problem
from yjnb.load import NationalData, check_local, check_national, load_national
from yjnb.narrative import image_problems, unknown_placeholders
from yjnb.paths import Workspace
from yjnb.placeholders import describe


def check_plan_codes(config: PlanConfig, national: NationalData, slug: str) -> list[Problem]:
    """plan.yaml's area codes must all be in data/national/areas.csv."""
    shown = f"params/{slug}/plan.yaml"
    known = set(national.areas["code"])
    problems = []
    if config.area_code not in known:
        problems.append(
            Problem(
                shown,
                "area code not in data/national/areas.csv",
                column="area_code",
                value=config.area_code,
                expected="a code listed in areas.csv",
            )
        )
    for i, code in enumerate(config.comparators):
        if code not in known:
            problems.append(
                Problem(
                    shown,
                    "comparator not in data/national/areas.csv",
                    column=f"comparators[{i}]",
                    value=code,
                    expected="a code listed in areas.csv",
                )
            )
    return problems


def check_narrative(
    workspace: Workspace, slug: str, config: PlanConfig, strict: bool
) -> list[Problem]:
    """Missing narrative files (warnings, or errors when strict) and what cannot be shown.

    Unknown placeholders, and images that cannot be embedded.
    """
    from yjnb.content_figures import narrative_names

    names = {**describe(), **narrative_names(workspace, slug, config)}
    problems = []
    for section in config.plan_sections():
        path = workspace.params_dir / slug / "narrative" / f"{section.id}.md"
        shown = f"params/{slug}/narrative/{section.id}.md"
        if not path.exists():
            severity = "error" if strict else "warning"
            problems.append(Problem(shown, "narrative file missing", severity=severity))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, f"not valid UTF-8 text ({exc.reason})"))
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
) -> list[Problem]:
    """Every problem with one authority's plan, narrative and local data.

    ``national`` is the loaded national data, or None if it could not be loaded (then the
    checks that need it are left out: its own problems say why).
    """
    from yjnb.content_figures import content_problems

    problems = []
    try:
        config = load_plan(workspace.params_dir, slug, overrides={"year": year})
    except InputError as exc:
        problems += exc.problems
        config = None
    if config is not None:
        problems += check_narrative(workspace, slug, config, strict)
        if national is not None:
            codes = check_plan_codes(config, national, slug)
            problems += codes or content_problems(workspace, slug, config, national)
    return problems + check_local(workspace.data_dir, slug, national)


def national_problems(workspace: Workspace) -> tuple[list[Problem], NationalData | None]:
    """The problems of data/national/, and the data loaded if none is an error."""
    problems = check_national(workspace.data_dir)
    if any(p.severity == "error" for p in problems):
        return problems, None
    return problems, load_national(workspace.data_dir)


def validate(
    workspace: Workspace, slugs: list[str], year: str | None = None, strict: bool = False
) -> list[Problem]:
    """Every problem found in the national data and each authority's inputs."""
    problems, national = national_problems(workspace)
    for slug in slugs:
        problems += check_authority(workspace, slug, year, national, strict)
    return problems
