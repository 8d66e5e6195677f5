"""Which sections of an authority to execute again after an edit, and why.

While a section's notebook executes, the inputs it reads are noted (:mod:`yjnb.reads`); the
build's manifest keeps them with a digest of each, section by section::

    "sections": {"07_resources": {"inputs": {"notebook": "…", "local:budget": "…", …}}}

A section's inputs are named:

``notebook``
    its notebook, ``notebooks/<section>.ipynb``;
``plan.yaml:<key>``
    a top-level key of plan.yaml (``resources``, ``sections``, ``name``…), as loaded;
``local:<table>``, ``national:<table>``
    a file of data/local/<slug>/ or data/national/ (``local:kpis`` is kpis.csv);
``params:<path>``
    a file of the params folder: a narrative file (its own, or another section's read to
    check figures typed in it), or an image beside it;
``placeholder:<name>``
    a placeholder its narrative quotes, by its value, wherever that value is computed
    (``placeholder:*``: every value);
``warnings``
    the data-quality warnings of the inputs, which every section shows in its notebook.

The next build executes again a section any of whose inputs changed (its digest differs),
and every section when yjnb, a library, the build's parameters or the engine changed, or
with ``--force``; any other section's executed notebook is taken from the last build.
Every page, table, spreadsheet and the year's index are then published from the notebooks
as a full build would publish them, so the result is the same as a full build's. A section
whose inputs were not noted (one executed in a Jupyter kernel, ``--engine kernel``) is
always executed again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yjnb.errors import InputError
from yjnb.inputs.config import PlanConfig, load_plan
from yjnb.inputs.load import load_local, load_national
from yjnb.inputs.schemas import LOCAL_FILES, NATIONAL_FILES
from yjnb.inputs.tracking import WARNINGS
from yjnb.paths import Workspace
from yjnb.plan import narrative_values
from yjnb.publish.provenance import recorded_parameters, versions
from yjnb.sections.comparisons import compare_authority

NOTEBOOK = "notebook"
ABSENT = "absent"
ALWAYS = "always"  # an input that cannot be digested: the section is always executed again


@dataclass
class SectionPlan:
    """What an authority's build does with each section: execute it (why), or keep it."""

    execute: dict[str, str] = field(default_factory=dict)  # section id -> why
    keep: list[str] = field(default_factory=list)
    recorded: dict[str, list[str]] = field(default_factory=dict)  # kept: the inputs it read
    timings: dict[str, float] = field(default_factory=dict)  # kept: seconds it took


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return ABSENT
    except OSError:
        return ALWAYS


def _json_digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return _digest(text.encode("utf-8"))


class CurrentInputs:
    """An authority's inputs as they are now, to digest each input a section read."""

    def __init__(self, workspace: Workspace, slug: str, year: str | None):
        self.workspace, self.slug = workspace, slug
        self._config: PlanConfig | None = None
        self._dumped: dict[str, Any] | None = None
        self._values: dict[str, str] | None = None
        self._warnings: str = ALWAYS
        try:
            config = load_plan(workspace.params_dir, slug, overrides={"year": year})
            national = load_national(workspace.data_dir)
            local = load_local(workspace.data_dir, slug, national, config)
            comparison = compare_authority(config, national)
            values = narrative_values(config, national, local, comparison)
        except InputError:
            return  # every section is executed, and reports the problem itself
        self._config, self._values = config, values
        self._dumped = config.model_dump(mode="json")
        problems = [*national.warnings, *local.warnings, *comparison.warnings]
        self._warnings = _json_digest([p.__dict__ for p in problems])

    @property
    def loaded(self) -> bool:
        """False if the inputs could not be loaded (then every section is executed)."""
        return self._config is not None

    def digest(self, name: str, section_id: str) -> str:
        """The digest of one input, as named in the manifest (see the module's notes)."""
        kind, _, key = name.partition(":")
        workspace = self.workspace
        if name == NOTEBOOK:
            return _file_digest(workspace.notebooks_dir / f"{section_id}.ipynb")
        if name == WARNINGS:
            return self._warnings
        if kind == "plan.yaml" and self._dumped is not None and key in self._dumped:
            return _json_digest(self._dumped[key])
        if kind == "local" and key in LOCAL_FILES:
            return _file_digest(workspace.local_file(self.slug, LOCAL_FILES[key].name))
        if kind == "national" and key in NATIONAL_FILES:
            return _file_digest(workspace.data_dir / "national" / NATIONAL_FILES[key].name)
        if kind == "params" and ".." not in Path(key).parts:
            return _file_digest(workspace.params_dir / key)
        if kind == "placeholder" and self._values is not None:
            if key == "*":
                return _json_digest(self._values)
            return _json_digest(self._values.get(key, ABSENT))
        return ALWAYS

    def shown(self, name: str, section_id: str) -> str:
        """An input's name as the run reports it: a file, or a plan.yaml key, placeholder."""
        kind, _, key = name.partition(":")
        workspace = self.workspace
        if name == NOTEBOOK:
            return workspace.shown(workspace.notebooks_dir / f"{section_id}.ipynb")
        if name == WARNINGS:
            return "the data-quality warnings"
        if kind == "plan.yaml":
            return f"{workspace.shown(workspace.plan_file(self.slug))} ({key})"
        if kind == "local" and key in LOCAL_FILES:
            return workspace.shown(workspace.local_file(self.slug, LOCAL_FILES[key].name))
        if kind == "national" and key in NATIONAL_FILES:
            return workspace.shown(workspace.data_dir / "national" / NATIONAL_FILES[key].name)
        if kind == "params":
            return workspace.shown(workspace.params_dir / key)
        if kind == "placeholder":
            return "every placeholder" if key == "*" else f"placeholder {{{{ {key} }}}}"
        return name

    def inputs(self, read: list[str] | None, section_id: str) -> dict[str, str] | None:
        """The manifest's record of a section's inputs: each read's digest (None if unknown)."""
        if read is None:
            return None
        return {name: self.digest(name, section_id) for name in sorted({NOTEBOOK, *read})}


def input_names(read: set[str] | frozenset[str], params_dir: Path) -> list[str]:
    """The reads noted while a notebook executed, as the manifest names them.

    A file is named relative to the params folder (``params:<slug>/narrative/04.md``); one
    outside it cannot be followed, and makes the section always execute again.
    """
    names = set()
    root = params_dir.resolve()
    for name in read:
        kind, _, key = name.partition(":")
        if kind == "file":
            path = Path(key)
            name = f"params:{path.relative_to(root)}" if path.is_relative_to(root) else ALWAYS
        names.add(name)
    return sorted(names)


def previous_manifest(built: Path) -> dict[str, Any] | None:
    """The manifest of the last build in ``built``, or None if there is none to read."""
    try:
        manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def plan_sections(
    workspace: Workspace,
    slug: str,
    section_ids: list[str],
    parameters: dict[str, Any],
    build: dict[str, str],
    force: bool = False,
) -> tuple[SectionPlan, CurrentInputs]:
    """Which sections to execute (and why) and which to keep from the last build."""
    current = CurrentInputs(workspace, slug, parameters.get("year"))
    built = workspace.output_dir / str(parameters.get("year")) / slug
    previous = None if force else previous_manifest(built)
    plan = SectionPlan()
    why_all = _why_all(previous, parameters, build, force, current)
    if why_all:
        plan.execute = dict.fromkeys(section_ids, why_all)
        return plan, current
    assert previous is not None
    recorded = previous.get("sections") or {}
    for section_id in section_ids:
        entry = recorded.get(section_id)
        inputs = entry.get("inputs") if isinstance(entry, dict) else None
        if not isinstance(inputs, dict) or not inputs:
            plan.execute[section_id] = "no record of its inputs"
        elif not (built / "notebooks" / f"{section_id}.ipynb").is_file():
            plan.execute[section_id] = "its executed notebook is missing"
        elif changed := [
            name for name, was in inputs.items() if current.digest(name, section_id) != was
        ]:
            shown = ", ".join(current.shown(name, section_id) for name in changed)
            plan.execute[section_id] = f"{shown} changed"
        else:
            plan.keep.append(section_id)
            plan.recorded[section_id] = sorted(inputs)
            timing = (previous.get("timings") or {}).get(section_id)
            plan.timings[section_id] = float(timing) if isinstance(timing, int | float) else 0.0
    return plan, current


def _why_all(
    previous: dict[str, Any] | None,
    parameters: dict[str, Any],
    build: dict[str, str],
    force: bool,
    current: CurrentInputs,
) -> str | None:
    # Why every section is executed, or None if each is judged by its own inputs.
    if force:
        return "--force"
    if previous is None:
        return "first build"
    if not current.loaded:
        return "its inputs could not be loaded"
    if previous.get("build") != build:
        return "yjnb changed"
    if previous.get("versions") != versions():
        return "a library's version changed"
    if previous.get("parameters") != recorded_parameters(parameters, current.workspace):
        return "the build's parameters changed"
    return None


def keep_sections(plan: SectionPlan, built: Path, staging: Path) -> None:
    """Copy the kept sections' executed notebooks from the last build into the staging folder.

    A notebook that cannot be copied is executed instead.
    """
    for section_id in list(plan.keep):
        name = f"{section_id}.ipynb"
        try:
            shutil.copyfile(built / "notebooks" / name, staging / "notebooks" / name)
        except OSError as exc:
            plan.keep.remove(section_id)
            why = f"its executed notebook could not be copied ({exc.strerror})"
            plan.execute[section_id] = why
