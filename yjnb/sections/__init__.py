"""Sections: the tables and charts each plan section shows, built from inputs and statistics.

A section's own builders are in the module named after it (``02_governance`` in
``governance.py``, ``12_standards`` in ``standards.py``); the performance modules (``kpis``,
``comparisons``, ``trends``, ``dashboard``, ``cohort`` and the rest) serve several sections, and
``common.py`` holds what the sections built from plan.yaml share. Which builders a section shows
is read from its notebook, never listed by hand: :func:`builders_by_section`.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

from yjnb.errors import InputError, Problem
from yjnb.paths import PROJECT_ROOT, to_root

# Every notebook calls it first to open its authority's plan: it builds nothing shown.
OPENER = "open_plan"


def builders_by_section(notebooks_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Each section's builders: the ``yjnb.<name>(...)`` calls of its notebook's code cells.

    The one map of which builders (tables, charts, checks) belong to which section, derived
    from the notebooks themselves, so it cannot drift from what a build runs. A notebook's
    parse is cached until the file changes, so a long-running process sees edits.

    Parameters
    ----------
    notebooks_dir
        The folder of section notebooks (``<section id>.ipynb``); default the project's
        ``notebooks/`` (a build's is ``Workspace.notebooks_dir``).

    Returns
    -------
    dict
        Section id (the notebook's name, ``01_introduction``) -> the names of the ``yjnb``
        functions its code cells call, in the order first called, each once, leaving out
        :data:`OPENER`. Sections in the notebooks' order; a notebook whose name starts with a
        dot (a checkpoint) is left out.

    Raises
    ------
    InputError
        Naming the notebook that is not JSON or the cell that is not Python.
    """
    folder = PROJECT_ROOT / "notebooks" if notebooks_dir is None else Path(notebooks_dir)
    found = {}
    for path in sorted(folder.glob("*.ipynb")):
        if path.name.startswith("."):
            continue
        stat = path.stat()
        found[path.stem] = _calls(path, stat.st_mtime_ns, stat.st_size)
    return found


@cache
def _calls(path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    # Keyed by modification time and size too: an edited notebook is read again.
    shown = to_root(path)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError([Problem(shown, f"is not a notebook: {exc}")]) from None
    names: dict[str, None] = {}
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            message = f"cell {number} is not Python: {exc.msg}"
            raise InputError([Problem(shown, message, row=exc.lineno)]) from None
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
            function = call.func
            if (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and function.value.id == "yjnb"
                and function.attr != OPENER
            ):
                names[function.attr] = None
    return tuple(names)
