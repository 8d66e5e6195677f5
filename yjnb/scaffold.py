"""`yjnb new SLUG`: a commented plan.yaml, guided narrative files, kpis.csv and a README."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from yjnb.config import default_sections
from yjnb.errors import InputError, Problem
from yjnb.paths import TEMPLATES_DIR, Workspace, slug_problem
from yjnb.periods import previous_financial_years
from yjnb.plan_content import vocabulary

KPI_HEADER = "period,kpi,cohort,measure,category,count\n"


def scaffold(workspace: Workspace, slug: str) -> list[Path]:
    """Create params/SLUG and data/local/SLUG; refuse to overwrite anything."""
    problem = slug_problem(slug, "yjnb new")
    if problem:
        raise InputError([problem])
    params = workspace.params_dir / slug
    local = workspace.data_dir / "local" / slug
    for folder in (params, local):
        if folder.exists():
            raise InputError([Problem(workspace.shown(folder), "already exists; nothing written")])
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "new_authority"))
    name = slug.replace("-", " ").title() + " Youth Justice Service"
    created = []
    (params / "narrative").mkdir(parents=True)
    plan = params / "plan.yaml"
    year = "2025-26"
    text = env.get_template("plan.yaml.j2").render(
        slug=slug,
        name=name,
        area_code="E00000000",
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
        text = narrative.render(section=section, content=content, slug=slug)
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
