"""`yjnb new SLUG`: a commented plan.yaml, guided narrative files, kpis.csv and a README.

The plan starts right: its area is one in data/national/areas.csv (named by ``--area-code``,
or found from the slug), and its year is the one the national data is ready for
(:func:`plan_year_of`). Everything else is left for the service to write, and until it is
the plan is a draft (:mod:`yjnb.inputs.draft`).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from yjnb.errors import InputError, Problem
from yjnb.inputs.config import default_sections
from yjnb.inputs.draft import GUIDANCE_MARK, NARRATIVE_STAND_IN
from yjnb.inputs.periods import financial_year_label, previous_financial_years
from yjnb.inputs.plan_areas import PLAN_AREAS
from yjnb.inputs.plan_content import vocabulary
from yjnb.paths import TEMPLATES_DIR, Workspace, slug_problem

KPI_HEADER = "period,kpi,cohort,measure,category,count\n"
SUGGESTIONS = 5  # nearest area names offered for an unknown code


@dataclass(frozen=True)
class Area:
    """An area a plan can be for: a council, or a youth justice service covering several."""

    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def scaffold(workspace: Workspace, slug: str, area_code: str | None = None) -> list[Path]:
    """Create params/SLUG and data/local/SLUG; refuse to overwrite anything.

    ``area_code`` is the authority's code in data/national/areas.csv; by default, the area
    whose name the slug spells (``sefton``, ``westmorland-and-furness``). An unknown code or
    slug is refused with the nearest area names.
    """
    problem = slug_problem(slug, "yjnb new")
    if problem:
        raise InputError([problem])
    params = workspace.params_dir / slug
    local = workspace.data_dir / "local" / slug
    for folder in (params, local):
        if folder.exists():
            raise InputError([Problem(workspace.shown(folder), "already exists; nothing written")])
    area = find_area(workspace, slug, area_code)
    year = plan_year_of(workspace)
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "new_authority"))
    name = f"{area.name} Youth Justice Service"
    created = []
    (params / "narrative").mkdir(parents=True)
    plan = params / "plan.yaml"
    text = env.get_template("plan.yaml.j2").render(
        slug=slug,
        name=name,
        area_code=area.code,
        year=year,
        previous_year=previous_financial_years(year, 1)[0],
        vocabulary=vocabulary(),
    )
    plan.write_text(text + "\n", encoding="utf-8")
    created.append(plan)
    narrative = env.get_template("narrative.md.j2")
    for section in default_sections():
        path = params / "narrative" / f"{section.id}.md"
        content = vocabulary()["section_content"][section.id]
        text = narrative.render(
            section=section,
            content=content,
            slug=slug,
            guidance_mark=GUIDANCE_MARK,
            stand_in=NARRATIVE_STAND_IN,
        )
        path.write_text(text + "\n", encoding="utf-8")
        created.append(path)
    local.mkdir(parents=True)
    kpis = local / "kpis.csv"
    kpis.write_text(KPI_HEADER, encoding="utf-8")
    created.append(kpis)
    readme = local / "README.md"
    readme.write_text(
        env.get_template("local_readme.md.j2").render(name=name, slug=slug) + "\n",
        encoding="utf-8",
    )
    created.append(readme)
    return created


def _national_file(workspace: Workspace, name: str) -> Path:
    path = workspace.data_dir / "national" / name
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    workspace.shown(path),
                    "file not found: yjnb new takes the authority's area and the plan year "
                    "from the national data",
                )
            ]
        )
    return path


def plan_areas(workspace: Workspace) -> list[Area]:
    """Every area in data/national/areas.csv that a plan can be for, as listed."""
    path = _national_file(workspace, "areas.csv")
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            Area(row["code"], row["name"])
            for row in csv.DictReader(stream)
            if row.get("type") in PLAN_AREAS
        ]


def plan_year_of(workspace: Workspace) -> str:
    """The plan year the national data is ready for: the financial year after its latest.

    The latest period in data/national/counts.csv ends in some financial year (first time
    entrants for 2024, ending 31 December 2024, in 2024-25); the plan is for the year after
    (2025-26), whose performance sections report on that one.
    """
    path = _national_file(workspace, "counts.csv")
    latest = None
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            try:
                end = datetime.date.fromisoformat(row.get("period_end") or "")
            except ValueError:  # validate reports it; it is no period to plan from
                continue
            latest = end if latest is None or end > latest else latest
    if latest is None:
        raise InputError([Problem(workspace.shown(path), "holds no period: no plan year follows")])
    start = latest.year if latest.month >= 4 else latest.year - 1
    return financial_year_label(start + 1)


def _slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def find_area(workspace: Workspace, slug: str, code: str | None) -> Area:
    """The area a new plan is for: by ``code``, else the one whose name the slug spells.

    Raises
    ------
    InputError
        For a code not in areas.csv (such as a placeholder ``E00000000``), or a slug that
        spells no area's name, with the nearest area names and codes.
    """
    areas = plan_areas(workspace)
    shown = workspace.shown(workspace.data_dir / "national" / "areas.csv")
    if code is not None:
        wanted = code.strip()
        for area in areas:
            if wanted.upper() == area.code.upper() or wanted.casefold() == area.name.casefold():
                return area
        message = f"unknown area code {wanted!r}"
    else:
        for area in areas:
            if slug in (_slug_of(area.name), area.code.lower()):
                return area
        wanted = slug
        message = f"unknown area code: no area is named {slug!r} (give its code with --area-code)"
    near = nearest_areas([wanted, slug], areas)
    hint = "; did you mean: " + ", ".join(map(str, near))
    expected = f"a local authority or youth justice service code listed in {shown}"
    given = "--area-code" if code is not None else "yjnb new"
    raise InputError([Problem(given, message + hint, expected=expected)])


def nearest_areas(texts: list[str], areas: list[Area], n: int = SUGGESTIONS) -> list[Area]:
    """The ``n`` areas whose name or code is nearest any of ``texts``, nearest first.

    Nearness is difflib's similarity ratio, over each area's name (as written and as a slug)
    and code, so a misspelt name finds the area, and so does the slug of a new plan when its
    code is a placeholder such as ``E00000000``.
    """
    scored = []
    for area in areas:
        keys = {area.name.casefold(), _slug_of(area.name), area.code.casefold()}
        score = max(
            difflib.SequenceMatcher(None, text.casefold(), key).ratio()
            for text in texts
            for key in keys
        )
        scored.append((-score, area.name.casefold(), area.code, area))
    return [area for *_, area in sorted(scored)[:n]]
