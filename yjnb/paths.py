"""Where things live. Paths resolve from the project root or explicit arguments, never the cwd."""

from __future__ import annotations

import linecache
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from yjnb.errors import Problem

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# An authority's slug names its folders under params/, data/local/ and outputs/<year>/.
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG_CHARS = 60
# Names outputs/<year>/ uses for itself: an authority so named would collide with them.
RESERVED_SLUGS = ("tables", "index", "website")


def shown_source(filename: str) -> str:
    """A source file as a warning names it, showing no local folder.

    Named from the folder on ``sys.path`` that holds it (site-packages, say), else from the
    project root.
    """
    path = Path(filename)
    bases = sorted({Path(p) for p in sys.path if p}, key=lambda p: len(p.parts), reverse=True)
    for base in (*bases, PROJECT_ROOT):
        if base.is_absolute() and path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return filename


_FORMAT_WARNING = warnings.formatwarning


def format_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """:func:`warnings.formatwarning`, naming the file by :func:`shown_source`.

    Warnings printed while a notebook runs are kept in the executed notebook, published.
    """
    if line is None:
        line = linecache.getline(filename, lineno)
    return _FORMAT_WARNING(message, category, shown_source(filename), lineno, line)


def hidden(name: str) -> bool:
    """True for a file or folder name starting with a dot: never an input or an authority."""
    return name.startswith(".")


def manifests(year_dir: Path) -> list[Path]:
    """The manifest of every authority built in a year's folder (hidden folders are not)."""
    found = sorted(year_dir.glob("*/manifest.json"))
    return [path for path in found if not hidden(path.parent.name)]


def from_root(path: Path | str | None) -> Path | None:
    """A path as notebooks are given it, relative to the project root, made absolute."""
    return None if path is None else PROJECT_ROOT / Path(path).expanduser()


def to_root(path: Path) -> str:
    """A path relative to the project root, as outputs record it: no local folder shown."""
    return Path(os.path.relpath(path, PROJECT_ROOT)).as_posix()


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
        """Every authority slug with a plan.yaml under params/, sorted.

        A folder whose name starts with a dot (a copy, a checkpoint) is never an authority.
        """
        if not self.params_dir.is_dir():
            return []
        found = self.params_dir.glob("*/plan.yaml")
        return sorted(p.parent.name for p in found if not hidden(p.parent.name))

    def plan_file(self, slug: str) -> Path:
        """An authority's plan.yaml."""
        return self.params_dir / slug / "plan.yaml"

    def narrative_file(self, slug: str, section_id: str) -> Path:
        """An authority's narrative for one section."""
        return self.params_dir / slug / "narrative" / f"{section_id}.md"

    def local_file(self, slug: str, name: str) -> Path:
        """One of an authority's own returns, such as ``budget.csv``."""
        return self.data_dir / "local" / slug / name

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the workspace's common root where possible."""
        for base in (self.params_dir.parent, self.data_dir.parent):
            try:
                return str(Path(path).resolve().relative_to(base))
            except ValueError:
                continue
        return str(path)


def slug_problem(slug: str, source: str) -> Problem | None:
    """What is wrong with an authority's slug, or None; ``source`` is where it was given.

    A slug is lower-case words joined by hyphens (so never a path, never hidden), at most
    :data:`MAX_SLUG_CHARS` long, and not one of :data:`RESERVED_SLUGS`.
    """
    expected = "lower-case words joined by hyphens, e.g. 'sefton'"
    if not SLUG_RE.match(slug):
        message = "is not an authority's slug (its folder name under params/)"
        return Problem(source, message, value=slug, expected=expected)
    if len(slug) > MAX_SLUG_CHARS:
        message = f"is {len(slug)} characters long"
        return Problem(source, message, value=slug, expected=f"at most {MAX_SLUG_CHARS}")
    if slug in RESERVED_SLUGS:
        message = "is a name the outputs use for themselves"
        return Problem(
            source, message, value=slug, expected="any name but " + ", ".join(RESERVED_SLUGS)
        )
    return None
