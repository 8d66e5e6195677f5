"""Publishing: executed section notebooks to pages, tables, manifest, and the year's index."""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbconvert import HTMLExporter

from yjnb.config import PROFILES, PlanConfig, Section
from yjnb.paths import TEMPLATES_DIR
from yjnb.plan import TABLE_MIME, WARNING_MIME

PROFILE_NOTES = {
    "board": "Board version: unsuppressed, for the management board. Not for publication.",
    "public": "Public version: small numbers from local data are suppressed and shown as [c].",
}
APPENDIX_TITLE = "Performance appendix"
VERSIONED = ("yjnb", "pandas", "numpy", "scipy", "papermill", "nbconvert", "nbclient", "seaborn")


@dataclass(frozen=True)
class Executed:
    """One section notebook after execution."""

    section: Section
    notebook: nbformat.NotebookNode
    seconds: float


@cache
def _exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="yjnb", extra_template_basedirs=[str(TEMPLATES_DIR)], exclude_input=True
    )


def render_page(
    executed: list[Executed], profile: str, title: str, authority: str, footer: list[str]
) -> str:
    """One self-contained HTML page of the given sections, for one profile."""
    merged = nbformat.v4.new_notebook()
    merged.metadata = executed[0].notebook.metadata if executed else {}
    for item in executed:
        merged.cells.extend(item.notebook.cells)
    resources = {
        "yjnb": {
            "title": title,
            "authority": authority,
            "profile": profile,
            "profile_note": PROFILE_NOTES[profile],
            "sections": [{"id": e.section.id, "title": e.section.title} for e in executed],
            "footer": footer,
        }
    }
    body, _ = _exporter().from_notebook_node(merged, resources=resources)
    return body


def _outputs(notebook: nbformat.NotebookNode, mime: str, profile: str | None = None):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            meta = output.get("metadata", {}).get("yjnb", {})
            if mime in data and (profile is None or meta.get("profile") == profile):
                yield data[mime]


def tables_of(executed: list[Executed], profile: str) -> dict[str, dict[str, str]]:
    """Every table a profile's pages publish, by id, in order of appearance."""
    found: dict[str, dict[str, str]] = {}
    for item in executed:
        for payload in _outputs(item.notebook, TABLE_MIME, profile):
            found[payload["id"]] = payload
    return found


def warnings_of(executed: list[Executed]) -> list[dict[str, Any]]:
    """Every warning raised while executing, without repeats."""
    seen: list[dict[str, Any]] = []
    for item in executed:
        for payload in _outputs(item.notebook, WARNING_MIME):
            if payload not in seen:
                seen.append(dict(payload))
    return seen


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


def publish_authority(
    staging: Path,
    slug: str,
    config: PlanConfig,
    executed: list[Executed],
    inputs: dict[str, Path],
    parameters: dict[str, Any],
    profiles: tuple[str, ...] = PROFILES,
) -> dict[str, Any]:
    """Write one authority's pages, tables, notebooks and manifest into ``staging``.

    Returns the manifest.
    """
    footer = [
        f"{config.name} Youth Justice Plan {config.year}.",
        "Produced with yjnb from published national statistics and the service's own returns.",
    ]
    appendix = [e for e in executed if e.section.appendix]
    for profile in profiles:
        folder = staging / profile
        (folder / "tables").mkdir(parents=True, exist_ok=True)
        plan_title = f"Youth Justice Plan {config.year}"
        page = render_page(executed, profile, plan_title, config.name, footer)
        (folder / "plan.html").write_text(page, encoding="utf-8")
        title = f"{APPENDIX_TITLE} {config.year}"
        page = render_page(appendix, profile, title, config.name, footer)
        (folder / "performance-appendix.html").write_text(page, encoding="utf-8")
        for table_id, payload in tables_of(executed, profile).items():
            (folder / "tables" / f"{table_id}.csv").write_text(payload["csv"], encoding="utf-8")
    notebooks = staging / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for item in executed:
        nbformat.write(item.notebook, notebooks / f"{item.section.id}.ipynb")
    manifest = {
        "authority": slug,
        "name": config.name,
        "year": config.year,
        "parameters": parameters,
        "inputs": {name: sha256(path) for name, path in sorted(inputs.items())},
        "versions": versions(),
        "timings": {item.section.id: round(item.seconds, 3) for item in executed},
        "warnings": warnings_of(executed),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (staging / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def write_index(year_dir: Path, year: str) -> Path:
    """outputs/<year>/index.html: every authority built for the year, with links."""
    entries = []
    for manifest_path in sorted(year_dir.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        slug = manifest_path.parent.name
        profiles = [p for p in PROFILES if (manifest_path.parent / p / "plan.html").exists()]
        entries.append({"slug": slug, "name": manifest["name"], "profiles": profiles})
    env = Environment(
        loader=FileSystemLoader([TEMPLATES_DIR, TEMPLATES_DIR / "yjnb"]),
        autoescape=select_autoescape(default=True),
    )
    page = env.get_template("index_page.html.j2").render(year=year, entries=entries)
    path = year_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
