"""An authority's plan settings: defaults, then plan.yaml, then command-line overrides.

The schema is the ``PlanConfig`` model below; every key is documented there. Unknown keys are
refused (they are usually typos), and every problem names plan.yaml's line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from yjnb import reuse
from yjnb.errors import InputError, Problem, display_path
from yjnb.inputs.plan_commitments import (
    BoardDevelopment,
    Evidence,
    Priorities,
    ServiceDevelopment,
    SignOff,
    Workforce,
)
from yjnb.inputs.plan_content import (
    Block,
    Board,
    ChildFirst,
    Dashboard,
    LocalContext,
    PreviousPriorities,
    Resources,
    Risks,
)
from yjnb.inputs.plan_pages import BackPage, Foreword
from yjnb.inputs.tracking import track_attributes
from yjnb.paths import PACKAGE_DIR, slug_problem

YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")
PROFILES = ("board", "public")


@dataclass(frozen=True)
class Section:
    """One plan section: its notebook and narrative id, and its title in this plan."""

    id: str
    title: str
    appendix: bool = False
    guidance: str = ""


@cache
def default_sections() -> tuple[Section, ...]:
    """The YJB's prescribed headings in their default order (yjnb/sections.yaml)."""
    entries = yaml.safe_load((PACKAGE_DIR / "sections.yaml").read_text(encoding="utf-8"))
    return tuple(Section(**entry) for entry in entries)


# The plan.yaml keys holding structured content, in section order, with their models.
CONTENT_BLOCKS: dict[str, type[Block]] = {
    "local_context": LocalContext,
    "board": Board,
    "previous_priorities": PreviousPriorities,
    "dashboard": Dashboard,
    "risks": Risks,
    "child_first": ChildFirst,
    "resources": Resources,
    "board_development": BoardDevelopment,
    "workforce": Workforce,
    "evidence": Evidence,
    "priorities": Priorities,
    "service_development": ServiceDevelopment,
    "sign_off": SignOff,
}


def content_paths() -> list[str]:
    """Every ``plan.<block>`` and ``plan.<block>.<key>`` that ``illustrative`` may name."""
    paths = ["plan"]
    for block, model in CONTENT_BLOCKS.items():
        paths.append(f"plan.{block}")
        paths += [
            f"plan.{block}.{field.alias or key}"
            for key, field in model.model_fields.items()
            if key != "notes"
        ]
    return paths


class SectionChoice(BaseModel):
    """A section named in plan.yaml, optionally retitled."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str | None = None


class PlanConfig(BaseModel):
    """The keys of plan.yaml.

    Required: ``name``, ``area_code``, ``year``. Everything else is optional.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        description="Display name of the service, e.g. 'Sefton Youth Justice Service'."
    )
    area_code: str = Field(description="This authority's code in data/national/areas.csv.")
    year: str = Field(
        description="Plan year, e.g. '2024-25'; performance covers the years before."
    )
    comparators: list[str] = Field(
        default_factory=list,
        description="Extra area codes for comparison tables (after the defaults).",
    )
    suppression_threshold: int = Field(
        default=5,
        ge=1,
        strict=True,  # `yes` is YAML for true, which lax validation would read as 1
        description="Public profile: counts from 1 to this are shown as [c].",
    )
    safe_numbers: list[str] = Field(
        default_factory=list,
        description="Public profile: phrases in narrative or plan.yaml text, as written, whose "
        "small number the author has checked is safe to publish (a national figure, say), "
        "e.g. 'two national priority areas'. Each is no longer reported as a possible small "
        "count of children.",
    )
    history_years: int = Field(
        default=5,
        ge=1,
        description="Section 4: national figures for periods ending before the financial year "
        "this many years before the plan year are left out of tables and charts (default 5: "
        "a 2024-25 plan shows periods ending on or after 1 April 2019).",
    )
    illustrative: list[str] = Field(
        default_factory=list,
        description="Inputs invented for demonstration: local file stems (e.g. 'kpis'), "
        "'narrative', 'plan' (all structured content below) or one part of it ('plan.risks', "
        "'plan.workforce.staff'). Everything built from them is labelled illustrative.",
    )
    sections: list[str | SectionChoice] | None = Field(
        default=None,
        description="Sections to publish, in order, by id (optionally {id, title} to retitle). "
        "Default: all fifteen YJB headings.",
    )

    # Structured content, one key per section that has any (yjnb/inputs/plan_content.py,
    # docs/plan-yaml.md). Every one is optional.
    local_context: LocalContext | None = Field(default=None, description="Section 1.")
    board: Board | None = Field(default=None, description="Section 2.")
    previous_priorities: PreviousPriorities | None = Field(default=None, description="Section 3.")
    dashboard: Dashboard | None = Field(
        default=None, description="Section 3: local performance figures (counts of children)."
    )
    risks: Risks | None = Field(default=None, description="Section 5.")
    child_first: ChildFirst | None = Field(default=None, description="Section 6.")
    resources: Resources | None = Field(default=None, description="Section 7.")
    board_development: BoardDevelopment | None = Field(default=None, description="Section 8.")
    workforce: Workforce | None = Field(default=None, description="Section 9.")
    evidence: Evidence | None = Field(default=None, description="Section 10.")
    priorities: Priorities | None = Field(default=None, description="Section 11.")
    service_development: ServiceDevelopment | None = Field(default=None, description="Section 13.")
    sign_off: SignOff | None = Field(default=None, description="Section 14.")
    # The pages themselves (yjnb/inputs/plan_pages.py): who signs the foreword (section 1's
    # narrative), and the back page every page ends with.
    foreword: Foreword | None = Field(default=None, description="Section 1: its signatories.")
    back_page: BackPage | None = Field(
        default=None, description="Contact, other formats and languages: the pages' end."
    )

    @field_validator("year")
    @classmethod
    def _year_form(cls, value: str) -> str:
        match = YEAR_RE.match(value)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError("a financial year like '2024-25'")
        return value

    @field_validator("illustrative")
    @classmethod
    def _known_inputs(cls, value: list[str]) -> list[str]:
        from yjnb.inputs.schemas import LOCAL_FILES

        known = ["narrative", *LOCAL_FILES]
        parts = content_paths()
        for stem in value:
            if stem not in known and stem not in parts:
                raise ValueError(f"one of {', '.join(known)}, plan or plan.<key> (found '{stem}')")
        return value

    def is_illustrative(self, source: str) -> bool:
        """Whether an input was invented for demonstration.

        ``source`` is a local file stem ('budget'), 'narrative', or a structured content
        path ('risks', 'workforce.staff'): a path is illustrative when 'plan', or any
        ``plan.<part>`` enclosing it, is listed.
        """
        if source in self.illustrative:
            return True
        if source.split(".")[0] not in CONTENT_BLOCKS:
            return False
        return "plan" in self.illustrative or any(
            source == flag[5:] or source.startswith(flag[5:] + ".")
            for flag in self.illustrative
            if flag.startswith("plan.")
        )

    @field_validator("sections")
    @classmethod
    def _known_sections(cls, value: list[str | SectionChoice] | None) -> Any:
        if value is None:
            return value
        known = {s.id for s in default_sections()}
        for entry in value:
            section_id = entry if isinstance(entry, str) else entry.id
            if section_id not in known:
                raise ValueError(
                    f"unknown section '{section_id}'; known: {', '.join(sorted(known))}"
                )
        return value

    def plan_sections(self) -> list[Section]:
        """The sections of this plan, in order, with their titles."""
        defaults = {s.id: s for s in default_sections()}
        if self.sections is None:
            return list(defaults.values())
        chosen = []
        for entry in self.sections:
            choice = SectionChoice(id=entry) if isinstance(entry, str) else entry
            base = defaults[choice.id]
            chosen.append(replace(base, title=choice.title or base.title))
        return chosen


# libyaml's safe loader where PyYAML was built with it: the same data, parsed ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Bounds on plan.yaml: the real plans are about 25 kB, nested five deep, with no value longer
# than a few paragraphs. Anything beyond is refused before it is expanded or kept.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_DEPTH = 40
MAX_TEXT_CHARS = 20_000


# A build records which keys each section reads (yjnb.inputs.tracking).
track_attributes(PlanConfig, "plan.yaml", set(PlanConfig.model_fields))


def read_yaml(path: Path, shown: str) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file, returning its data and its node tree (for line numbers).

    Aliases, duplicate keys, deeper nesting than :data:`MAX_YAML_DEPTH`, a value longer than
    :data:`MAX_TEXT_CHARS` and a file larger than :data:`MAX_YAML_BYTES` are refused.
    """
    if path.exists() and not path.is_file():
        raise InputError([Problem(shown, "is not a file", expected="a YAML file")])
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputError([_too_large(path, shown, size)])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError([Problem(shown, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(shown, f"not valid UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise InputError([Problem(shown, f"cannot be read ({exc.strerror})")]) from None
    try:
        problems = _bounds(text, shown)
        if problems:
            raise InputError(problems)
        return yaml.load(text, Loader=_LOADER), yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(shown, f"malformed YAML: {reason}", row=row)]) from None


def _too_large(path: Path, shown: str, size: int) -> Problem:
    # Named by its longest line and the top-level key it is under: read a piece at a time,
    # and no further than the first hundred times the limit.
    longest, row, key, current = 0, None, None, None
    number, length = 1, 0
    with path.open("rb") as stream:
        for piece in iter(lambda: stream.readline(MAX_YAML_BYTES), b""):
            if length == 0 and piece[:1].isalpha():
                current = piece.split(b":", 1)[0].decode("utf-8", "replace").strip()
            length += len(piece)
            if length > longest:
                longest, row, key = length, number, current
            if piece.endswith(b"\n"):
                number, length = number + 1, 0
            if stream.tell() > 100 * MAX_YAML_BYTES:
                break
    message = f"is {size / 1e6:,.1f} MB, more than plan.yaml may be"
    return Problem(shown, message, row, key, expected=f"at most {MAX_YAML_BYTES / 1e6:g} MB")


@dataclass
class _Open:
    """A mapping or list being parsed: where it is, and what it has held so far."""

    mapping: bool
    path: tuple[str, ...]
    keys: dict[str, int] = field(default_factory=dict)  # key -> its row
    at_key: bool = True  # in a mapping, the next node is a key
    key: str = ""
    items: int = 0


def _bounds(text: str, shown: str) -> list[Problem]:
    """Aliases, duplicate keys, deep nesting and long values, found from the parser's events.

    The events come before anything is built, so an alias bomb or a 20,000-deep list is
    refused before it takes memory or recursion.
    """
    problems: list[Problem] = []
    stack: list[_Open] = []
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
        if not isinstance(event, yaml.NodeEvent):
            continue
        row = event.start_mark.line + 1
        path = _place(stack, event, row, shown, problems)
        column = ".".join(path) or None
        if isinstance(event, yaml.AliasEvent):
            message = f"uses the YAML alias *{event.anchor}: write the value out in full"
            return [Problem(shown, message, row, column, expected="no anchors (&) or aliases (*)")]
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_TEXT_CHARS:
            message = f"is {len(event.value):,} characters long"
            expected = f"at most {MAX_TEXT_CHARS:,} characters"
            problems.append(Problem(shown, message, row, column, event.value, expected))
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                message = f"is nested more than {MAX_YAML_DEPTH} levels deep"
                return [Problem(shown, message, row, column, expected="plan.yaml's structure")]
            stack.append(_Open(isinstance(event, yaml.MappingStartEvent), path))
    return problems


def _place(
    stack: list[_Open], event: yaml.NodeEvent, row: int, shown: str, problems: list[Problem]
) -> tuple[str, ...]:
    """The key path of the node ``event`` starts; a mapping's repeated key is a problem."""
    if not stack:
        return ()
    parent = stack[-1]
    if not parent.mapping:
        parent.items += 1
        return (*parent.path, str(parent.items - 1))
    if not parent.at_key:
        parent.at_key = True
        return (*parent.path, parent.key)
    parent.at_key = False
    parent.key = str(event.value) if isinstance(event, yaml.ScalarEvent) else "?"
    if parent.key in parent.keys:
        message = f"key '{parent.key}' appears twice, on rows {parent.keys[parent.key]} and {row}"
        column = ".".join((*parent.path, parent.key))
        problems.append(Problem(shown, message, row, column, expected="each key once"))
    parent.keys.setdefault(parent.key, row)
    return (*parent.path, parent.key)


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Line number (1-based) of the YAML node at ``loc``, or of its nearest parent."""
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
            if match is None:
                key_node = next((k for k, _ in node.value if k.value == key), None)
                return key_node.start_mark.line + 1 if key_node else line
            line, node = match.start_mark.line + 1, match
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value)
        ):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def key_line(params_dir: Path, slug: str, key: str) -> int | None:
    """Line of a dotted key (``risks.register.2.owner``) in params/<slug>/plan.yaml."""
    try:
        _, tree = read_yaml(params_dir / slug / "plan.yaml", "plan.yaml")
    except InputError:
        return None
    return _line_of(tree, tuple(int(p) if p.isdigit() else p for p in key.split(".")))


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model that reads the mapping at ``loc`` (list indexes skipped)."""
    model: type[BaseModel] = PlanConfig
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        field = fields.get(str(part))
        inner = _inner_model(field.annotation) if field else None
        if inner is None:
            break
        model = inner
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None``, ``list[X]`` or ``Annotated[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _problem(error: dict[str, Any], shown: str, tree: yaml.Node | None) -> Problem:
    loc = tuple(part for part in error["loc"] if not isinstance(part, str) or "[" not in part)
    key = ".".join(str(part) for part in loc) or None
    kind = error["type"]
    if kind == "missing":
        return Problem(
            shown, f"required key '{key}' is missing", row=_line_of(tree, loc), column=key
        )
    if kind == "extra_forbidden":
        fields = _model_at(loc[:-1]).model_fields
        known = ", ".join(f.alias or name for name, f in fields.items())
        return Problem(
            shown,
            f"unknown key '{key}' (a typo? known keys here: {known})",
            row=_line_of(tree, loc),
            column=key,
        )
    message = error["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
    return Problem(
        shown,
        f"'{key}' is not valid",
        row=_line_of(tree, loc),
        column=key,
        value=str(error.get("input")),
        expected=message,
    )


@reuse.by_contents(lambda params_dir, slug, *_, **__: [Path(params_dir) / slug / "plan.yaml"])
def load_plan(
    params_dir: Path, slug: str, overrides: dict[str, Any] | None = None, shown: str | None = None
) -> PlanConfig:
    """Load and validate params/<slug>/plan.yaml, with command-line ``overrides`` applied last.

    Raises
    ------
    InputError
        With one problem per missing key, wrong type or unknown key.
    """
    problem = slug_problem(slug, "authority")
    if problem:  # never a path: nothing outside params/ is read
        raise InputError([problem])
    path = params_dir / slug / "plan.yaml"
    shown = shown or display_path(path, params_dir.parent)
    data, tree = read_yaml(path, shown)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError([Problem(shown, "plan.yaml must be a mapping of keys to values")])
    layered = {**data, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    try:
        return PlanConfig.model_validate(layered)
    except ValidationError as exc:
        problems = [_problem(error, shown, tree) for error in exc.errors()]
        raise InputError(problems) from None
