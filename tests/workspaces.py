"""Test workspaces: copies of the bundled national data and authorities under a folder."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_workspace(tmp_path: Path, slugs: list[str]) -> dict[str, Path]:
    """A workspace under tmp_path with the bundled national data and the given authorities."""
    params, data = tmp_path / "params", tmp_path / "data"
    shutil.copytree(ROOT / "data" / "national", data / "national")
    for slug in slugs:
        shutil.copytree(ROOT / "params" / slug, params / slug)
        shutil.copytree(ROOT / "data" / "local" / slug, data / "local" / slug)
    return {"params": params, "data": data, "output": tmp_path / "outputs"}
