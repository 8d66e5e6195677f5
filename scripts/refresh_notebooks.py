"""Re-execute notebooks/ in place on their default authority, keeping outputs for nbval.

Volatile metadata (papermill timings and run ids, execution times, the Python patch version)
is stripped, so re-running without changes leaves git clean.

Usage: python scripts/refresh_notebooks.py [NOTEBOOK ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

ROOT = Path(__file__).resolve().parent.parent


def strip(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook.metadata.pop("papermill", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata.get("language_info", {}).pop("version", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return notebook


def refresh(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        papermill.execute_notebook(str(path), str(out), progress_bar=False, cwd=str(path.parent))
        notebook = strip(nbformat.read(out, as_version=4))
    nbformat.write(notebook, path)
    print(f"refreshed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    targets = [Path(p).resolve() for p in sys.argv[1:]] or sorted(
        (ROOT / "notebooks").glob("*.ipynb")
    )
    for target in targets:
        refresh(target)
