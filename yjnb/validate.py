"""`yjnb validate`: every problem with every input of the selected authorities, nothing written."""

from __future__ import annotations

from yjnb.config import PlanConfig, load_plan
from yjnb.errors import InputError, Problem
from yjnb.load import NationalData, check_local, check_national, load_national
from yjnb.narrative import read_narrative, unknown_placeholders
from yjnb.paths import Workspace
from yjnb.placeholders import describe

# The areas a plan can be for: a council, or a youth justice service covering several.
PLAN_AREAS = ("la", "yjs")


def check_plan_codes(config: PlanConfig, national: NationalData, slug: str) -> list[Problem]:
    """plan.yaml's area codes must all be in data/national/areas.csv."""
    shown = f"params/{slug}/plan.yaml"
    known = set(national.areas["code"])
    problems = []
    if config.area_code in known and national.area(config.area_code)["type"] not in PLAN_AREAS:
        area = national.area(config.area_code)
        problems.append(
            Problem(
                shown,
                f"is the code of {area['name']}, an area of type {area['type']}",
                column="area_code",
                value=config.area_code,
                expected="the code of a local authority or youth justice service "
                f"(type {' or '.join(PLAN_AREAS)} in areas.csv)",
            )
        )
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
    """Missing narrative files (warnings, or errors when strict) and unknown placeholders."""
    from yjnb.content_figures import narrative_names

    names = {**describe(), **narrative_names(workspace, slug, config)}
    problems = []
    for section in config.plan_sections():
        path = workspace.params_dir / slug / "narrative" / f"{section.id}.md"
        shown = f"params/{slug}/narrative/{section.id}.md"
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
    return problems


def validate(
    workspace: Workspace, slugs: list[str], year: str | None = None, strict: bool = False
) -> list[Problem]:
    """Every problem found in the national data and each authority's inputs."""
    from yjnb.content_figures import content_problems

    problems = check_national(workspace.data_dir)
    national = None
    if not any(p.severity == "error" for p in problems):
        national = load_national(workspace.data_dir)
    for slug in slugs:
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
        problems += check_local(workspace.data_dir, slug, national, config)
    return problems
