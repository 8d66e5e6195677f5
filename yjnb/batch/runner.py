"""The batch: every section notebook for every selected authority, in parallel, safely.

Each authority builds into a staging folder beside its outputs; only when every section has
executed and published is the old folder swapped for the new one. A failure stops only its
own authority, and leaves what was published before untouched. An authority whose inputs,
notebooks and yjnb are unchanged since its last build is reused, not rebuilt.

The work is done by processes forked from one pre-imported worker server
(:mod:`yjnb.batch.workers`): a fresh process per notebook, without paying for a fresh Python and
fresh imports each time. What each of them does is in :mod:`yjnb.batch.execute`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tqdm import tqdm

from yjnb.batch.execute import (
    ENGINES,
    START_ATTEMPTS,
    START_BACKOFF,
    SectionFailed,
    cannot_write,
    execute_section,
)
from yjnb.batch.jobs import (
    NOTEBOOK_PARAMETERS,
    Failure,
    Job,
    build_inputs,
    notebook_problem,
)
from yjnb.batch.messages import (
    AuthorityBuilt,
    AuthorityFailed,
    IndexFailed,
    IndexWritten,
    ProcessEnded,
    Report,
    SectionExecuted,
    SectionsPlanned,
    ServerReady,
)
from yjnb.batch.workers import SERVER_COMMAND, AuthorityTask, IndexTask
from yjnb.errors import InputError
from yjnb.inputs.config import PROFILES, PlanConfig, Section, load_plan
from yjnb.inputs.draft import missing_parts
from yjnb.paths import PACKAGE_DIR, Workspace, hidden, manifests, to_root
from yjnb.publish.pdf import find_chromium, pages_to_print, print_pdfs
from yjnb.publish.staging import remove_leftovers, staging_folder

__all__ = [
    "ENGINES",
    "NOTEBOOK_PARAMETERS",
    "Failure",
    "Interrupted",
    "Job",
    "RunSummary",
    "SectionFailed",
    "build_inputs",
    "execute_section",
    "notebook_problem",
    "plan_jobs",
    "run",
]

SERVER_READY_TIMEOUT = 120.0  # seconds for the worker server to import everything
STOP_GRACE = 30.0  # seconds the worker processes get to stop before they are killed


@dataclass
class RunSummary:
    """What a batch built, reused and failed."""

    built: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    years: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    notebooks_executed: int = 0
    seconds: float = 0.0
    index_pages: list[Path] = field(default_factory=list)
    index_failures: list[str] = field(default_factory=list)
    executed: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> section: why
    kept: dict[str, tuple[str, ...]] = field(default_factory=dict)  # slug -> sections kept
    pdfs: int = 0
    pdf_authorities: int = 0
    pdf_seconds: float = 0.0
    pdf_failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every selected authority built or was reused, and every index was written."""
        return not self.failures and not self.index_failures and not self.pdf_failures

    def report(self) -> str:
        """A plain-text summary for the terminal."""
        lines = [f"{slug}: unchanged since last build, reused" for slug in self.reused]
        for slug, executed in self.executed.items():
            lines += _why_executed(slug, executed, self.kept.get(slug, ()))
        lines.append(
            f"Built {len(self.built)} authorities ({self.notebooks_executed} notebooks) "
            f"in {self.seconds:.1f} s."
        )
        if self.reused:
            lines.append(
                f"Reused {len(self.reused)} unchanged authorities (--force rebuilds them)."
            )
        if self.failures:
            lines.append(f"{len(self.failures)} authorities failed:")
            lines += [f"  - {failure}" for failure in self.failures]
        lines += [f"Could not write the {failure}" for failure in self.index_failures]
        if self.pdfs:
            each = self.pdf_seconds / max(1, self.pdf_authorities)
            lines.append(
                f"Printed {self.pdfs} PDFs for {self.pdf_authorities} authorities in "
                f"{self.pdf_seconds:.1f} s ({each:.1f} s an authority)."
            )
        lines += [f"Could not print the PDF of {failure}" for failure in self.pdf_failures]
        return "\n".join(lines)


def _why_executed(slug: str, executed: dict[str, str], kept: tuple[str, ...]) -> list[str]:
    # One line if every section was executed for one reason (a first build, --force),
    # else a line for each section executed, saying which of its inputs changed.
    if not kept and len(set(executed.values())) == 1:
        return [f"{slug}: every section executed ({next(iter(executed.values()))})"]
    lines = [f"{slug}: {section}: {why}" for section, why in executed.items()]
    if kept:
        lines.append(f"{slug}: {len(kept)} sections unchanged, kept from the last build")
    return lines


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGINT) stopped a run: which authorities' outputs it had replaced by then."""

    def __init__(self, replaced: list[str]):
        super().__init__(replaced)
        self.replaced = replaced

    def __str__(self) -> str:
        if not self.replaced:
            return "interrupted; earlier outputs are untouched."
        return (
            f"interrupted after replacing the outputs of {', '.join(self.replaced)} with "
            "this run's complete build; every other authority's earlier outputs are "
            "untouched, and the next run brings the index up to date."
        )


def code_fingerprint() -> str:
    """A digest of yjnb's own code and templates: a changed yjnb is never reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _unchanged(
    workspace: Workspace,
    slug: str,
    config: PlanConfig,
    sections: tuple[Section, ...],
    parameters: dict[str, Any],
    build: dict[str, str],
) -> bool:
    """True if the last build of this authority had exactly these inputs, notebooks and yjnb."""
    from yjnb.publish.provenance import recorded_parameters, sha256, versions

    built = workspace.output_dir / config.year / slug
    try:
        manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    inputs = build_inputs(workspace, slug, sections)
    return (
        isinstance(manifest, dict)
        and manifest.get("build", {}).get("code") == build["code"]
        and manifest.get("parameters") == recorded_parameters(parameters, workspace)
        and list(manifest.get("timings", {})) == [s.id for s in sections]
        and manifest.get("versions") == versions()
        and manifest.get("inputs") == {name: sha256(path) for name, path in inputs.items()}
        and all((built / p / "plan.html").is_file() for p in parameters["profiles"])
    )


def plan_jobs(
    workspace: Workspace,
    slugs: list[str],
    year: str | None,
    profiles: tuple[str, ...],
    summary: RunSummary,
    force: bool = False,
    build: dict[str, str] | None = None,
    on_first_job: Callable[[], None] | None = None,
    strict: bool = False,
    final: bool = False,
) -> list[Job]:
    """Load every selected authority's settings; record those that cannot even start.

    Unless ``force``, an authority unchanged since its last build is recorded as reused.
    ``on_first_job`` is called as soon as there is something to build. If ``strict``, an
    authority whose inputs have any problem, warnings included, is a failure. If ``final``,
    so is a draft (:func:`~yjnb.inputs.draft.missing_parts`), with what it lacks.
    """
    jobs: list[Job] = []
    checks = _StrictChecks(workspace, year) if strict else None
    try:
        _plan(
            workspace, slugs, year, profiles, summary, force, build, on_first_job, jobs, checks,
            final,
        )  # fmt: skip
    except BaseException:  # interrupted while planning: nothing half made is left behind
        for job in jobs:
            shutil.rmtree(job.staging, ignore_errors=True)
        raise
    return jobs


def _plan(
    workspace: Workspace,
    slugs: list[str],
    year: str | None,
    profiles: tuple[str, ...],
    summary: RunSummary,
    force: bool,
    build: dict[str, str] | None,
    on_first_job: Callable[[], None] | None,
    jobs: list[Job],
    checks: _StrictChecks | None = None,
    final: bool = False,
) -> None:
    problems: dict[Path, str | None] = {}  # one check per notebook, not per authority
    build = build or {"code": code_fingerprint()}
    for slug in slugs:
        try:
            config = load_plan(workspace.params_dir, slug, overrides={"year": year})
        except InputError as exc:
            summary.failures.append(Failure(slug, "plan.yaml", "", str(exc)))
            continue
        if checks is not None and (failure := checks.failure(slug)):
            summary.failures.append(failure)
            continue
        if final and (failure := draft_failure(workspace, slug, config)):
            summary.failures.append(failure)
            continue
        sections = tuple(config.plan_sections())
        unusable = []
        for section in sections:
            notebook = workspace.notebooks_dir / f"{section.id}.ipynb"
            if notebook not in problems:
                problems[notebook] = notebook_problem(notebook)
            if problems[notebook]:
                unusable.append(Failure(slug, section.id, "", problems[notebook]))
        if unusable:
            summary.failures += unusable
            continue
        parameters = {
            "authority": slug,
            "year": config.year,
            "profiles": list(profiles),
            "params_dir": to_root(workspace.params_dir),
            "data_dir": to_root(workspace.data_dir),
        }
        summary.years.add(config.year)
        if not force and _unchanged(workspace, slug, config, sections, parameters, build):
            summary.reused.append(slug)
            continue
        year_dir = workspace.output_dir / config.year
        try:
            year_dir.mkdir(parents=True, exist_ok=True)
            staging = staging_folder(year_dir, slug)
        except OSError as exc:
            summary.failures.append(Failure(slug, "outputs", "", cannot_write(exc)))
            continue
        if not jobs and on_first_job:
            on_first_job()
        (staging / "notebooks").mkdir()
        jobs.append(Job(slug, config, sections, staging, parameters, profiles))


def draft_failure(workspace: Workspace, slug: str, config: PlanConfig) -> Failure | None:
    """``--final``: why a draft may not be built as final, or None if the plan is finished."""
    missing = missing_parts(workspace, slug, config)
    if not missing:
        return None
    lines = "\n".join(f"    {p}" for p in missing)
    things = f"{len(missing)} thing{'s' if len(missing) != 1 else ''}"
    return Failure(slug, "draft", "", f"--final: not finished, {things} missing:\n{lines}")


class _StrictChecks:
    """``--strict``: every problem with an authority's inputs, the national data's once."""

    def __init__(self, workspace: Workspace, year: str | None):
        from yjnb.batch.validate import national_problems

        self.workspace, self.year = workspace, year
        self.national_problems, self.national = national_problems(workspace)

    def failure(self, slug: str) -> Failure | None:
        """Why ``slug`` may not be built under --strict, or None if its inputs are clean."""
        from yjnb.batch.validate import check_authority

        found = self.national_problems + check_authority(
            self.workspace, slug, self.year, self.national, strict=True
        )
        found = [p for p in found if p.severity != "note"]
        if not found:
            return None
        lines = "\n".join(f"    {p.severity}: {p}" for p in found)
        return Failure(slug, "inputs", "", f"--strict: {len(found)} problems:\n{lines}")


class WorkerServer:
    """The runner's side of the worker server (:mod:`yjnb.batch.workers`).

    The server runs in its own process group, so the runner can stop it and every process
    it forked with one signal, and a Ctrl-C in the terminal reaches only the runner. It is
    started at once and used as soon as it has imported everything; a server that does
    not start is started again (up to :data:`START_ATTEMPTS` times) and given the same work.
    """

    def __init__(self) -> None:
        self.attempts = 0
        self.ready = False
        self.alive = True
        self.outstanding: dict[str, AuthorityTask | IndexTask] = {}
        self._start()

    def _start(self) -> None:
        self.attempts += 1
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_DIR.parent), env.get("PYTHONPATH")) if p
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER_COMMAND, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
            process_group=0,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.started = time.monotonic()
        for task in self.outstanding.values():
            self.conn.send(task)

    def send(self, task: AuthorityTask | IndexTask) -> None:
        """Hand over one authority to build, or a year's index to write."""
        label = task.label if isinstance(task, IndexTask) else task.job.slug
        self.outstanding[label] = task
        self.conn.send(task)

    def receive(self) -> Report:
        """The next report from the workers (EOFError if the server has gone)."""
        while True:
            try:
                if not self.ready:
                    wait_for = SERVER_READY_TIMEOUT - (time.monotonic() - self.started)
                    if not self.conn.poll(max(wait_for, 0)):
                        raise EOFError("the worker process did not become ready")
                report = self.conn.recv()
            except EOFError:
                if self.ready or self.attempts >= START_ATTEMPTS:
                    self.alive = False
                    raise
                self.stop()
                time.sleep(START_BACKOFF * 2 ** (self.attempts - 1))
                self._start()
                continue
            if isinstance(report, ServerReady):
                self.ready = True
                continue
            if isinstance(report, ProcessEnded):
                self.outstanding.pop(report.label, None)
            return report

    def close(self) -> None:
        """Let the server finish: it exits once told there is no more work."""
        self.conn.close()
        try:
            self.process.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            self.stop()

    def stop(self) -> None:
        """Stop the server and every process it started; each stops the ones it started.

        Returns once none of them is left: an authority's process finishing a swap into
        place, which SIGTERM waits for, may outlive the server.
        """
        self.conn.close()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(STOP_GRACE)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        else:
            self.process.wait()
        deadline = time.monotonic() + STOP_GRACE
        while _group_alive(self.process.pid):
            if time.monotonic() > deadline:
                os.killpg(self.process.pid, signal.SIGKILL)
                break
            time.sleep(0.02)


def _group_alive(group: int) -> bool:
    """True while a process of the group is running (not a zombie awaiting its reaper)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    try:
        stats = [p.read_text() for p in Path("/proc").glob("[0-9]*/stat")]
    except OSError:
        return True  # no /proc to tell zombies from the living: still there
    for stat in stats:
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[2] == str(group) and fields[0] != "Z":
            return True
    return False


def run(
    workspace: Workspace,
    slugs: list[str] | None = None,
    year: str | None = None,
    jobs: int | None = None,
    progress: bool | None = None,
    profiles: tuple[str, ...] | None = None,
    engine: str = "fork",
    force: bool = False,
    strict: bool = False,
    final: bool = False,
    server: WorkerServer | None = None,
    pdf: bool = False,
) -> RunSummary:
    """Build every section of every selected authority, then the index of each year built.

    Parameters
    ----------
    workspace
        Where inputs are read and outputs written.
    slugs
        Authorities to build; default: every one under params/.
    year
        Overrides each plan.yaml's year.
    jobs
        Notebooks executing at once; default: the number of cores.
    progress
        Show a progress bar with the time left; default: when writing to a terminal.
    profiles
        Profiles to publish; default: both.
    engine
        ``fork`` (default): each notebook in a fresh process forked from a pre-imported one.
        ``kernel``: each notebook in a fresh Jupyter kernel, as plain Papermill does.
    force
        Rebuild authorities that are unchanged since their last build (otherwise reused).
    strict
        Build no authority whose inputs have any problem, warnings and data-quality notes
        included (what ``yjnb validate --strict`` fails on); each is a failure naming them.
    final
        Build no draft (:mod:`yjnb.inputs.draft`); each is a failure listing what is missing.
    server
        A worker server to use and leave running (``yjnb preview`` builds again and again);
        default: one started for this run, and closed at its end.
    pdf
        Also print each page built or reused to a PDF beside it, with the Chromium
        installed (:mod:`yjnb.publish.pdf`), before the indexes are written.

    Raises
    ------
    ChromiumMissing
        If ``pdf`` and no Chromium is installed: before anything is built.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: expected one of {ENGINES}")
    chromium = find_chromium() if pdf else None
    started = time.perf_counter()
    summary = RunSummary()
    build = {"code": code_fingerprint(), "engine": engine}
    servers: list[WorkerServer] = []
    planned: list[Job] = []
    claim = _claim_outputs(workspace.output_dir)
    try:
        # The server starts importing while the remaining authorities are planned.
        planned = plan_jobs(
            workspace,
            slugs or workspace.authorities(),
            year,
            profiles or PROFILES,
            summary,
            force=force,
            build=build,
            on_first_job=lambda: servers.append(server or WorkerServer()),
            strict=strict,
            final=final,
        )
        indexed = False
        if planned:
            workers = jobs or os.cpu_count() or 1
            kept = server is not None  # a server that outlives the run keeps inputs loaded
            _build(servers[0], workspace, planned, summary, workers, progress, build, force, kept)
        if chromium is not None:
            _print(workspace, summary, profiles or PROFILES, chromium, jobs)
        if planned:
            # Written by the server's processes, which have publishing imported already.
            indexed = servers[0].alive and _write_indexes(servers[0], workspace, summary)
            if server is None:
                servers[0].close()
        if not indexed:
            summary.index_pages.clear()
            for year_label in sorted(summary.years):
                year_dir = workspace.output_dir / year_label
                if planned or _index_outdated(year_dir):
                    from yjnb.publish.outputs import write_index
                    from yjnb.publish.website import WebsiteError, write_website

                    try:
                        write_index(year_dir, year_label)
                        write_website(year_dir)
                    except OSError as exc:
                        failure = f"index for {year_label}: {cannot_write(exc)}"
                        summary.index_failures.append(failure)
                        continue
                    except WebsiteError as exc:
                        summary.index_failures.append(f"website for {year_label}: {exc}")
                        continue
                summary.index_pages.append(year_dir / "index.html")
    except KeyboardInterrupt:
        # Already stopping: another Ctrl-C changes nothing, and would cut the stop short.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            for server in servers:
                server.stop()
        finally:
            signal.signal(signal.SIGINT, previous)
        # A staging folder that is gone was swapped into place before the workers stopped.
        raise Interrupted([job.slug for job in planned if not job.staging.exists()]) from None
    except BaseException:
        for server in servers:
            server.stop()
        raise
    finally:
        for job in planned:
            shutil.rmtree(job.staging, ignore_errors=True)
        if claim is not None:
            os.close(claim)
    summary.seconds = time.perf_counter() - started
    return summary


def _print(
    workspace: Workspace,
    summary: RunSummary,
    profiles: tuple[str, ...],
    chromium: Path,
    jobs: int | None,
) -> None:
    # Every built or reused authority's pages to PDF, a few Chromium processes at a time.
    folders = [
        workspace.output_dir / year / slug / profile
        for year in sorted(summary.years)
        for slug in summary.built + summary.reused
        if (workspace.output_dir / year / slug / "manifest.json").is_file()
        for profile in profiles
    ]
    started = time.perf_counter()
    printed, failures = print_pdfs(pages_to_print(folders), chromium, jobs or os.cpu_count() or 1)
    summary.pdfs += len(printed)
    summary.pdf_authorities += len({p.path.parent.parent for p in printed})
    summary.pdf_seconds += time.perf_counter() - started
    summary.pdf_failures += failures


def _claim_outputs(output_dir: Path) -> int | None:
    """Hold the output folder for this run; first remove what killed runs left there.

    Every run holds a shared lock on the folder while it runs; only a run that could take it
    alone (no other run is writing there) removes staging and replaced folders, which are
    then leftovers of runs that were killed. Returns the descriptor to close at the end
    (None if the folder cannot be made or opened).
    """
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        claim = os.open(output_dir, os.O_RDONLY)
    except OSError:
        return None  # each authority reports the folder it cannot write to
    try:
        fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # another run is writing here: its folders are not leftovers
    else:
        for year_dir in output_dir.iterdir():
            if year_dir.is_dir() and not hidden(year_dir.name):
                remove_leftovers(year_dir)
    try:
        fcntl.flock(claim, fcntl.LOCK_SH)
    except OSError:
        pass  # a filesystem without locks: nothing is removed by anyone
    return claim


def _write_indexes(server: WorkerServer, workspace: Workspace, summary: RunSummary) -> bool:
    # Each year's index, once all its authorities have ended; False if the server stopped.
    waiting = set()
    for year_label in sorted(summary.years):
        task = IndexTask(workspace.output_dir / year_label, year_label)
        server.send(task)
        waiting.add(task.label)
    while waiting:
        try:
            report = server.receive()
        except EOFError:
            return False
        match report:
            case IndexWritten(path=path):
                summary.index_pages.append(Path(path))
            case IndexFailed(year=year, error=error):
                summary.index_failures.append(f"index for {year}: {error}")
            case ProcessEnded(label=label):
                waiting.discard(label)
    return True


def _index_outdated(year_dir: Path) -> bool:
    # Nothing was built: the index needs writing only if a build since it was last written
    # (say, one interrupted before its index) is not in it yet.
    index = year_dir / "index.html"
    if not index.exists() or not (year_dir / "website" / "index.html").exists():
        return True
    written = index.stat().st_mtime
    return any(m.stat().st_mtime > written for m in manifests(year_dir))


def _build(
    server: WorkerServer,
    workspace: Workspace,
    planned: list[Job],
    summary: RunSummary,
    workers: int,
    progress: bool | None,
    build: dict[str, str],
    force: bool = False,
    keep_inputs: bool = False,
) -> None:
    # Authorities build side by side, each running `concurrency` notebooks at a time, so
    # that one authority alone still uses every core.
    engine = build["engine"]
    at_once = max(1, min(workers, len(planned)))
    concurrency = max(1, workers // at_once)
    total = sum(len(job.sections) for job in planned)
    queue = deque(planned)
    active: set[str] = set()
    reported: set[str] = set()
    bar = tqdm(
        total=total,
        unit="notebook",
        desc="Building",
        disable=None if progress is None else not progress,
    )
    try:
        while queue or active:
            while queue and len(active) < at_once:
                job = queue.popleft()
                task = AuthorityTask(
                    job, workspace, engine, concurrency, build, force, keep_inputs
                )
                server.send(task)
                active.add(job.slug)
            try:
                report = server.receive()
            except EOFError:
                for slug in sorted(active | {job.slug for job in queue}):
                    summary.failures.append(Failure(slug, "", "", "the worker process stopped"))
                break
            match report:
                case SectionsPlanned(slug=slug, execute=execute, keep=keep):
                    summary.executed[slug], summary.kept[slug] = execute, keep
                    bar.update(len(keep))
                case SectionExecuted():
                    summary.notebooks_executed += 1
                    bar.update()
                case AuthorityFailed(failure=failure):
                    summary.failures.append(failure)
                    reported.add(failure.authority)
                case AuthorityBuilt(slug=slug):
                    summary.built.append(slug)
                    reported.add(slug)
                case ProcessEnded(label=slug, how=how):
                    active.discard(slug)
                    if slug not in reported:
                        reason = f"its build process {how}" if how else "its build process stopped"
                        summary.failures.append(Failure(slug, "", "", reason))
    finally:
        bar.close()
