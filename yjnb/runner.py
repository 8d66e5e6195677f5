"""The batch: every section notebook for every selected authority, in parallel, safely.

Each authority builds into a staging folder beside its outputs; only when every section has
executed and published is the old folder swapped for the new one. A failure stops only its
own authority, and leaves what was published before untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from tqdm import tqdm

from yjnb.config import PROFILES, PlanConfig, Section, load_plan
from yjnb.errors import InputError
from yjnb.paths import Workspace

NOTEBOOK_PARAMETERS = ("authority", "year", "profiles", "params_dir", "data_dir")


@dataclass
class Failure:
    """Why one authority did not build."""

    authority: str
    section: str
    cell: str
    error: str

    def __str__(self) -> str:
        where = f"{self.section}, {self.cell}" if self.cell else self.section
        return f"{self.authority}: {where}: {self.error}"


@dataclass
class RunSummary:
    """What a batch built and what failed."""

    built: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notebooks_executed: int = 0
    seconds: float = 0.0
    index_pages: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every selected authority built."""
        return not self.failures

    def report(self) -> str:
        """A plain-text summary for the terminal."""
        lines = [
            f"Built {len(self.built)} authorities ({self.notebooks_executed} notebooks) "
            f"in {self.seconds:.1f} s."
        ]
        if self.failures:
            lines.append(f"{len(self.failures)} authorities failed:")
            lines += [f"  - {failure}" for failure in self.failures]
        return "\n".join(lines)


@dataclass(frozen=True)
class Job:
    """One authority to build."""

    slug: str
    config: PlanConfig
    sections: tuple[Section, ...]
    staging: Path
    parameters: dict[str, Any]
    profiles: tuple[str, ...]


def _ipc_kernel_manager() -> type:
    # Kernels talk over local sockets, not TCP ports: no port clashes between parallel
    # workers, and no unencrypted-TCP warning from every kernel.
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _unique_socket_prefix(self) -> str:
            # The default prefix is 'kernel-ipc' in the cwd, shared by parallel kernels.
            return os.path.join(tempfile.gettempdir(), f"yjnb-kernel-{uuid.uuid4().hex}")

    return IPCKernelManager


class SectionFailed(Exception):
    """A notebook cell raised: which cell (as numbered in the source notebook) and why."""

    def __init__(self, cell: str, error: str):
        super().__init__(cell, error)
        self.cell, self.error = cell, error


def execute_section(notebook: Path, output: Path, parameters: dict[str, Any]) -> float:
    """Execute one section notebook with Papermill; returns seconds taken.

    Raises
    ------
    SectionFailed
        Naming the failing cell as numbered in the source notebook (papermill's injected
        parameters cell is not counted) with its first line of code.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            progress_bar=False,
            report_mode=True,
            cwd=str(notebook.parent),
            kernel_manager_class=_ipc_kernel_manager(),
        )
    except PapermillExecutionError as exc:
        cells = nbformat.read(output, as_version=4).cells[: exc.cell_index]
        injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
        code = exc.source.strip().splitlines()[-1] if exc.source.strip() else ""
        cell = f"cell {exc.cell_index + 1 - injected} ({code})"
        raise SectionFailed(cell, f"{exc.ename}: {exc.evalue}".strip()) from None
    return time.perf_counter() - started


def publish_job(job: Job, timings: dict[str, float], workspace: Workspace) -> None:
    """Publish a staged authority, then swap it into place."""
    from yjnb.load import LocalData, load_local, load_national
    from yjnb.publish import Executed, publish_authority

    executed = [
        Executed(s, nbformat.read(job.staging / "notebooks" / f"{s.id}.ipynb", 4), timings[s.id])
        for s in job.sections
    ]
    national = load_national(workspace.data_dir)
    local: LocalData = load_local(workspace.data_dir, job.slug, national)
    inputs = _inputs(workspace, job.slug, local)
    publish_authority(
        job.staging, job.slug, job.config, executed, inputs, job.parameters, job.profiles
    )
    _swap(job.staging, workspace.output_dir / job.config.year / job.slug)


def _inputs(workspace: Workspace, slug: str, local: Any) -> dict[str, Path]:
    found = {workspace.shown(p): p for p in sorted((workspace.params_dir / slug).rglob("*"))}
    found.update(
        {workspace.shown(p): p for p in sorted((workspace.data_dir / "national").glob("*.csv"))}
    )
    found.update({workspace.shown(p): p for p in local.files.values()})
    return {name: path for name, path in found.items() if path.is_file()}


def _swap(staging: Path, target: Path) -> None:
    # Rename is atomic on one filesystem; the old build is removed only once the new is in place.
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _failure_from(slug: str, section: str, exc: BaseException) -> Failure:
    if isinstance(exc, SectionFailed):
        return Failure(slug, section, exc.cell, exc.error)
    return Failure(slug, section, "", f"{type(exc).__name__}: {exc}")


def notebook_problem(notebook: Path) -> str | None:
    """Why a section notebook cannot be run with yjnb's parameters, or None if it can.

    Papermill only warns about parameters a notebook does not declare; yjnb refuses them.
    """
    import papermill

    if not notebook.exists():
        return f"notebook not found: {notebook}"
    declared = set(papermill.inspect_notebook(str(notebook)))
    missing = [name for name in NOTEBOOK_PARAMETERS if name not in declared]
    if missing:
        return f"its parameters cell does not declare {', '.join(missing)}"
    return None


def plan_jobs(
    workspace: Workspace,
    slugs: list[str],
    year: str | None,
    profiles: tuple[str, ...],
    summary: RunSummary,
) -> list[Job]:
    """Load every selected authority's settings; record those that cannot even start."""
    jobs = []
    for slug in slugs:
        try:
            config = load_plan(workspace.params_dir, slug, overrides={"year": year})
        except InputError as exc:
            summary.failures.append(Failure(slug, "plan.yaml", "", str(exc)))
            continue
        sections = tuple(config.plan_sections())
        unusable = [
            Failure(slug, s.id, "", problem)
            for s in sections
            if (problem := notebook_problem(workspace.notebooks_dir / f"{s.id}.ipynb"))
        ]
        if unusable:
            summary.failures += unusable
            continue
        year_dir = workspace.output_dir / config.year
        year_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".staging-{slug}-", dir=year_dir))
        (staging / "notebooks").mkdir()
        parameters = {
            "authority": slug,
            "year": config.year,
            "profiles": list(profiles),
            "params_dir": str(workspace.params_dir),
            "data_dir": str(workspace.data_dir),
        }
        jobs.append(Job(slug, config, sections, staging, parameters, profiles))
    return jobs


def run(
    workspace: Workspace,
    slugs: list[str] | None = None,
    year: str | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    profiles: tuple[str, ...] | None = None,
) -> RunSummary:
    """Build every section of every selected authority, then the index of each year built."""
    started = time.perf_counter()
    summary = RunSummary()
    selected = slugs or workspace.authorities()
    planned = plan_jobs(workspace, selected, year, profiles or PROFILES, summary)
    total = sum(len(job.sections) for job in planned)
    bar = tqdm(total=total, unit="notebook", disable=None if progress is None else not progress)
    pending: dict[Future, tuple[Job, str]] = {}
    timings: dict[str, dict[str, float]] = {job.slug: {} for job in planned}
    failed: set[str] = set()
    workers = jobs or os.cpu_count() or 1
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for job in planned:
                for section in job.sections:
                    notebook = workspace.notebooks_dir / f"{section.id}.ipynb"
                    output = job.staging / "notebooks" / f"{section.id}.ipynb"
                    future = pool.submit(execute_section, notebook, output, job.parameters)
                    pending[future] = (job, section.id)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job, step = pending.pop(future)
                    if future.cancelled():
                        continue
                    exc = future.exception()
                    if exc is not None:
                        summary.failures.append(_failure_from(job.slug, step, exc))
                        failed.add(job.slug)
                        _cancel(pending, job.slug)
                        continue
                    if step == "publish":
                        summary.built.append(job.slug)
                        continue
                    timings[job.slug][step] = future.result()
                    summary.notebooks_executed += 1
                    bar.update()
                    if len(timings[job.slug]) == len(job.sections) and job.slug not in failed:
                        publish = pool.submit(publish_job, job, timings[job.slug], workspace)
                        pending[publish] = (job, "publish")
    finally:
        bar.close()
        for job in planned:
            shutil.rmtree(job.staging, ignore_errors=True)
    from yjnb.publish import write_index

    for year_label in sorted({job.config.year for job in planned}):
        summary.index_pages.append(write_index(workspace.output_dir / year_label, year_label))
    summary.seconds = time.perf_counter() - started
    return summary


def _cancel(pending: dict[Future, tuple[Job, str]], slug: str) -> None:
    for future, (job, _) in list(pending.items()):
        if job.slug == slug and future.cancel():
            del pending[future]
