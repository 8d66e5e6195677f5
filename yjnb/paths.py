"""Where things live. Paths resolve from the project root or explicit arguments, never the cwd."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


@dataclass(frozen=True)
class Workspace:
    """The folders one build reads from and writes to."""

    params_dir: Path
    data_dir: Path
    output_dir: Path
    notebooks_dir: Path

    @classmethod
    def from_args(
        cls,
        params_dir: Path | str | None = None,
        data_dir: Path | str | None = None,
        output_dir: Path | str | None = None,
        notebooks_dir: Path | str | None = None,
    ) -> Workspace:
        """Resolve each folder: the argument, else ``YJNB_<NAME>``, else the project's own."""

        def pick(value: Path | str | None, env: str, default: Path) -> Path:
            chosen = value or os.environ.get(env) or default
            return Path(chosen).expanduser().resolve()

        return cls(
            params_dir=pick(params_dir, "YJNB_PARAMS_DIR", PROJECT_ROOT / "params"),
            data_dir=pick(data_dir, "YJNB_DATA_DIR", PROJECT_ROOT / "data"),
            output_dir=pick(output_dir, "YJNB_OUTPUT_DIR", PROJECT_ROOT / "outputs"),
            notebooks_dir=pick(notebooks_dir, "YJNB_NOTEBOOKS_DIR", PROJECT_ROOT / "notebooks"),
        )

    def authorities(self) -> list[str]:
        """Every authority slug with a plan.yaml under params/, sorted."""
        if not self.params_dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.params_dir.glob("*/plan.yaml"))

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the workspace's common root where possible."""
        for base in (self.params_dir.parent, self.data_dir.parent):
            try:
                return str(Path(path).resolve().relative_to(base))
            except ValueError:
                continue
        return str(path)
