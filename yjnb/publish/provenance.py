"""What a build's manifest records of its origins: digests of inputs, library versions.

Outputs name no local folder: the executed notebooks and the manifest name the folders a
build read and wrote as the workspace names them (``params``, ``data``, ``notebooks``,
``<year>/<slug>``), never by where they are on the build machine.

Kept apart from publishing so that the runner can tell an unchanged build without
importing nbconvert and matplotlib.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from yjnb.paths import PROJECT_ROOT, Workspace, to_root

VERSIONED = ("yjnb", "pandas", "numpy", "scipy", "papermill", "nbconvert", "nbclient", "seaborn")


def sha256(path: Path) -> str:
    """Hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the output."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def local_names(folders: Mapping[Path, str]) -> dict[str, str]:
    """How outputs name each local folder instead of its path: ``{path as text: name}``.

    Each folder is matched written absolute and relative to the project root (as Papermill
    records the notebooks it runs and the parameters it passes); the user's home folder and
    the project root are matched too, for any other path. Longest first, so a folder is
    named before the folder holding it.
    """
    found: dict[str, str] = {}
    for folder, name in folders.items():
        for form in (str(folder), to_root(folder)):
            if form != name and form not in (".", ""):
                found.setdefault(form, name)
    for folder, name in ((PROJECT_ROOT, ""), (Path.home(), "~/")):
        if len(folder.parts) > 1:  # never the filesystem's root
            found.setdefault(f"{folder}/", name)
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def without_local_paths(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every local folder in ``names`` (:func:`local_names`) named instead."""
    for path, name in names.items():
        text = text.replace(path, name)
    return text


def scrub_local_paths(files: Iterable[Path], names: Mapping[str, str]) -> None:
    """Rewrite each text file (executed notebooks, the manifest) naming no local folder."""
    for path in files:
        text = path.read_text(encoding="utf-8")
        scrubbed = without_local_paths(text, names)
        if scrubbed != text:
            path.write_text(scrubbed, encoding="utf-8")


def workspace_names(workspace: Workspace) -> dict[Path, str]:
    """The folders of a workspace, with the names outputs give them (see :func:`local_names`)."""
    return {
        workspace.params_dir: "params",
        workspace.data_dir: "data",
        workspace.notebooks_dir: "notebooks",
        workspace.output_dir: "outputs",
    }


def recorded_parameters(parameters: dict[str, Any], workspace: Workspace) -> Any:
    """A build's parameters as its manifest records them: naming no local folder."""
    text = json.dumps(parameters, ensure_ascii=False)
    return json.loads(without_local_paths(text, local_names(workspace_names(workspace))))
