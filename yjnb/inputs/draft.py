"""A draft: a plan that is not finished, and what it still lacks.

A plan is a draft while any of these is so (:func:`missing_parts` lists each, naming its file):

- a prescribed section is left out of plan.yaml's ``sections``;
- a section's narrative file is missing or empty, or still holds the guidance block or the
  stand-in sentence ``yjnb new`` wrote;
- a section's structured content is not in plan.yaml, so the section shows a placeholder;
- plan.yaml still holds a stand-in value, ``...``, where ``yjnb new``'s example had one;
- kpis.csv, the service's key performance indicator return, holds no rows.

A draft builds, with a banner on every page and "draft" beside it in the year's index;
``yjnb run --final`` and ``yjnb validate --final`` refuse it.
"""

from __future__ import annotations

import itertools
import re

import yaml

from yjnb.errors import InputError, Problem
from yjnb.inputs.config import PlanConfig, default_sections, read_yaml
from yjnb.paths import Workspace

# The first line of the guidance block `yjnb new` writes at the top of each narrative file,
# and the sentence it leaves where the narrative goes (templates/new_authority/narrative.md.j2).
GUIDANCE_MARK = "**Guidance:"
NARRATIVE_STAND_IN = "Write this section's narrative here, in markdown."
# A value in plan.yaml left as the scaffold's examples write it.
STAND_IN_VALUES = ("...", "…")
_GUIDANCE_LINE = re.compile(r"^\s*>\s*" + re.escape(GUIDANCE_MARK))

# The structured content each section shows (plan.yaml keys, CONTENT_BLOCKS): a section whose
# key is missing shows a marked placeholder.
SECTION_CONTENT: dict[str, tuple[str, ...]] = {
    "01_introduction": ("local_context",),
    "02_governance": ("board",),
    "03_progress": ("previous_priorities", "dashboard"),
    "05_risks": ("risks",),
    "06_child_first": ("child_first",),
    "07_resources": ("resources",),
    "08_board_development": ("board_development",),
    "09_workforce": ("workforce",),
    "10_evidence": ("evidence",),
    "11_priorities": ("priorities",),
    "13_service_development": ("service_development",),
    "14_sign_off": ("sign_off",),
}
# The returns a plan cannot be finished without: kpis.csv, which `yjnb new` writes empty.
REQUIRED_RETURNS = ("kpis",)


def missing_parts(workspace: Workspace, slug: str, config: PlanConfig) -> list[Problem]:
    """Everything that makes this plan a draft, each naming its file; empty when finished.

    Each is a warning (``yjnb run --final`` and ``yjnb validate --final`` make them errors).
    """
    plan_shown = workspace.shown(workspace.plan_file(slug))
    found = _left_out_sections(config, plan_shown)
    sections = config.plan_sections()
    for section in sections:
        found += _narrative(workspace, slug, section.id)
    for section in sections:
        for key in SECTION_CONTENT.get(section.id, ()):
            if getattr(config, key) is None:
                found.append(
                    _missing(
                        plan_shown,
                        f"'{key}' not written: section {section.title!r} shows a placeholder",
                        column=key,
                    )
                )
    found += _stand_in_values(workspace, slug, plan_shown)
    found += _empty_returns(workspace, slug)
    return found


def _missing(file: str, message: str, row: int | None = None, column: str | None = None):
    return Problem(file, message, row=row, column=column, severity="warning")


def _left_out_sections(config: PlanConfig, shown: str) -> list[Problem]:
    chosen = {s.id for s in config.plan_sections()}
    return [
        _missing(shown, f"section {s.id} ({s.title}) left out of the plan", column="sections")
        for s in default_sections()
        if s.id not in chosen
    ]


def _narrative(workspace: Workspace, slug: str, section_id: str) -> list[Problem]:
    path = workspace.narrative_file(slug, section_id)
    shown = workspace.shown(path)
    if not path.is_file():
        return [_missing(shown, "narrative file missing")]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return [_missing(shown, "narrative file cannot be read")]
    if not any(line.strip() for line in lines):
        return [_missing(shown, "narrative file is empty")]
    found = []
    guidance = next((n for n, line in enumerate(lines, 1) if _GUIDANCE_LINE.match(line)), None)
    if guidance is not None:
        found.append(_missing(shown, "the guidance block is still in the narrative", guidance))
    stand_in = next((n for n, line in enumerate(lines, 1) if NARRATIVE_STAND_IN in line), None)
    if stand_in is not None:
        found.append(_missing(shown, "the narrative is still the stand-in sentence", stand_in))
    return found


def _stand_in_values(workspace: Workspace, slug: str, shown: str) -> list[Problem]:
    """Every plan.yaml value left as ``...``, with its line and key."""
    try:
        _, node = read_yaml(workspace.plan_file(slug), shown)
    except InputError:  # the plan's own checks say what is wrong with it
        return []
    found: list[Problem] = []
    _walk(node, (), shown, found)
    return found


def _walk(node: yaml.Node | None, path: tuple[str, ...], shown: str, found: list[Problem]):
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _walk(value, (*path, str(key.value)), shown, found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, str(index)), shown, found)
    elif isinstance(node, yaml.ScalarNode) and node.value.strip() in STAND_IN_VALUES:
        row = node.start_mark.line + 1
        found.append(_missing(shown, "a value still '...'", row=row, column=".".join(path)))


def _empty_returns(workspace: Workspace, slug: str) -> list[Problem]:
    """The required returns that are there but hold no rows (a header, or nothing)."""
    found = []
    for stem in REQUIRED_RETURNS:
        path = workspace.local_file(slug, f"{stem}.csv")
        try:
            with path.open(encoding="utf-8", errors="replace") as stream:
                filled = [line for line in itertools.islice(stream, 50) if line.strip()]
        except OSError:  # absent or unreadable: the data's own checks say so
            continue
        if len(filled) < 2:
            found.append(_missing(workspace.shown(path), "no rows: the return is not filled in"))
    return found
