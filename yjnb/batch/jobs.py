"""What the batch builds: one authority's job, the inputs it reads, and why it failed.

Shared by the runner, which plans the jobs, and the processes that execute and publish them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yjnb.inputs.config import PlanConfig, Section
from yjnb.paths import Workspace, hidden

NOTEBOOK_PARAMETERS = ("authority", "year", "profiles", "params_dir", "data_dir")


@dataclass
class Failure:
    """Why one authority did not build."""

    authority: str
    section: str
    cell: str
    error: str

    def __str__(self) -> str:
        where = [part for part in (self.section, self.cell) if part]
        return ": ".join(
            [self.authority, ", ".join(where), self.error]
            if where
            else [self.authority, self.error]
        )


@dataclass(frozen=True)
class Job:
    """One authority to build."""

    slug: str
    config: PlanConfig
    sections: tuple[Section, ...]
    staging: Path
    parameters: dict[str, Any]
    profiles: tuple[str, ...]


def notebook_problem(notebook: Path) -> str | None:
    """Why a section notebook cannot be run with yjnb's parameters, or None if it can.

    Papermill only warns about parameters a notebook does not declare; yjnb refuses them.
    """
    import papermill

    try:
        stat = notebook.stat()
    except FileNotFoundError:
        return f"notebook not found: {notebook}"
    # A process that builds again and again (yjnb preview) inspects a notebook once a version.
    seen = (str(notebook.resolve()), stat.st_mtime_ns, stat.st_size)
    if seen not in _inspected:
        declared = set(papermill.inspect_notebook(str(notebook)))
        missing = [name for name in NOTEBOOK_PARAMETERS if name not in declared]
        found = f"its parameters cell does not declare {', '.join(missing)}" if missing else None
        _inspected[seen] = found
    return _inspected[seen]


_inspected: dict[tuple[str, int, int], str | None] = {}


def build_inputs(
    workspace: Workspace, slug: str, sections: tuple[Section, ...]
) -> dict[str, Path]:
    """Every file an authority's build reads, by the name the manifest gives it.

    Its params folder, the national data, its local data files and the section notebooks.
    Hidden files and folders (such as JupyterLab's checkpoints) are not inputs, nor is an
    output folder kept inside the params folder.
    """
    from yjnb.inputs.schemas import LOCAL_FILES  # pandas, loaded only when a build needs it

    params = workspace.params_dir / slug
    found = {
        workspace.shown(p): p
        for p in sorted(params.rglob("*"))
        if not any(hidden(part) for part in p.relative_to(params).parts)
        and not p.is_relative_to(workspace.output_dir)
    }
    found.update(
        {workspace.shown(p): p for p in sorted((workspace.data_dir / "national").glob("*.csv"))}
    )
    local = workspace.data_dir / "local" / slug
    found.update({workspace.shown(local / s.name): local / s.name for s in LOCAL_FILES.values()})
    found.update(
        {f"notebooks/{s.id}.ipynb": workspace.notebooks_dir / f"{s.id}.ipynb" for s in sections}
    )
    return {name: path for name, path in found.items() if path.is_file()}
