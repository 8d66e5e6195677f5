"""Building the bundled authorities for the publishing tests, and which pages that makes."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from yjnb.batch.runner import RunSummary, run
from yjnb.inputs.config import PROFILES, load_plan
from yjnb.paths import Workspace

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAGES = ("plan.html", "performance-appendix.html")
# axe-core (4.12, shipped with axe-playwright-python) rules for WCAG 2.0, 2.1 and 2.2, A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def bundled_authorities() -> list[str]:
    """Every authority bundled in params/."""
    return Workspace.from_args(params_dir=ROOT / "params").authorities()


def bundled_pages() -> list[str]:
    """Every page a batch of the bundled authorities publishes, relative to outputs/."""
    pages, years = [], set()
    for slug in bundled_authorities():
        year = load_plan(ROOT / "params", slug).year
        years.add(year)
        pages += [f"{year}/{slug}/{profile}/{page}" for profile in PROFILES for page in PAGES]
    return sorted(pages) + [f"{year}/index.html" for year in sorted(years)]


@dataclass(frozen=True)
class Batch:
    """A finished batch: its workspace and what it reported."""

    workspace: Workspace
    summary: RunSummary

    @property
    def output(self) -> Path:
        return self.workspace.output_dir


def build_bundled(base: Path, output: str = "outputs") -> Batch:
    """Copy params/, data/ and notebooks/ under ``base`` and build every bundled authority."""
    folders = {name: base / name for name in ("params", "data", "notebooks")}
    for name, folder in folders.items():
        if not folder.exists():
            shutil.copytree(ROOT / name, folder)
    workspace = Workspace.from_args(
        folders["params"], folders["data"], base / output, folders["notebooks"]
    )
    summary = run(workspace, jobs=2, progress=False)
    assert summary.ok, summary.report()
    return Batch(workspace, summary)
