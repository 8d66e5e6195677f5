"""Batch workers: one process imports everything once, then forks the processes that build.

Starting Python and importing pandas, matplotlib, seaborn and IPython costs about a second;
running one section notebook costs a fraction of that. So :func:`yjnb.batch.runner.run` starts one
worker server (:func:`main`), which imports everything once and then forks:

- a process per authority, which loads the authority's inputs and computes its indicators
  once (kept for its own forks: :mod:`yjnb.reuse`), runs the section notebooks, publishes
  the pages and swaps them into place;
- a process per section notebook, forked from its authority's process, which runs Papermill
  and exits. With the ``fork`` engine the cells run in that fresh process
  (:mod:`yjnb.batch.engine`); with the ``kernel`` engine Papermill starts a Jupyter kernel,
  as plain Papermill does.

A notebook's process is thrown away after the notebook, so nothing one notebook defines or
changes is visible in the next. Each process writes only into its own authority's staging
folder and reports back over its own pipe; the server passes the reports on to the runner.
Failures to start a process or a kernel are retried, then reported. The runner stops the
whole tree by sending SIGTERM to the server's process group; each process stops the
processes it started, and an authority's swap into place is never cut in half.
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path
from typing import Any

from yjnb import reads
from yjnb.batch import execute
from yjnb.batch.execute import (
    SectionFailed,
    StartFailed,
    cannot_write,
    execute_section,
    publish_job,
)
from yjnb.batch.incremental import input_names, keep_sections, plan_sections
from yjnb.batch.jobs import Failure
from yjnb.batch.messages import (
    AuthorityBuilt,
    AuthorityFailed,
    IndexFailed,
    IndexWritten,
    NotebookDone,
    NotebookFailed,
    NotebookReport,
    NotebookStarted,
    ProcessEnded,
    SectionExecuted,
    SectionsPlanned,
    ServerReady,
)
from yjnb.errors import InputError
from yjnb.paths import PACKAGE_DIR, Workspace

PRELOAD = (
    "pandas",
    "numpy",
    "scipy.stats",
    "matplotlib.pyplot",
    "seaborn",
    "IPython",
    "ipykernel.zmqshell",
    "ipykernel.ipkernel",
    "ipykernel.compiler",
    # what creating the kernel's shell would otherwise import in every notebook's process
    "IPython.core.application",
    "IPython.core.completerlib",
    "IPython.core.crashhandler",
    "IPython.core.oinspect",
    "IPython.utils.wildcard",
    "jupyter_client.manager",
    "papermill",
    "nbformat",
    "nbconvert",
)
STOPPED = 128 + signal.SIGTERM


class _Stopped(BaseException):
    """SIGTERM arrived: stop what this process started, then exit."""


@dataclass(frozen=True)
class AuthorityTask:
    """What an authority's process needs: the job, where, how, and how many notebooks at once."""

    job: Any  # yjnb.batch.jobs.Job
    workspace: Workspace
    engine: str = "fork"
    concurrency: int = 1
    build: dict[str, str] = field(default_factory=dict)
    force: bool = False  # execute every section, changed or not
    # Load the authority's inputs in the server, to be reused by its next builds while the
    # files are unchanged (yjnb.reuse): for a server kept running between builds (preview).
    keep_inputs: bool = False


# --- processes -----------------------------------------------------------------------------


def _die_with_parent() -> None:
    # If the process that started this one dies (even by SIGKILL), this one gets SIGTERM.
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the runner's SIGTERM to the process group still stops everything


def _raise_stopped(signum: int, frame: object) -> None:
    raise _Stopped


def start_process(
    target: Callable[..., None],
    args: Iterable[Any] = (),
    closing: Iterable[Connection] = (),
    on_sigterm: Any = signal.SIG_DFL,
) -> tuple[int, Connection]:
    """Fork a process running ``target(writer, *args)``; returns its pid and the reading end.

    Forking is retried (it fails when the system is short of processes or memory). In the
    new process, ``closing`` (this process's other connections) are closed first.
    """
    for attempt in range(1, execute.START_ATTEMPTS + 1):
        reader, writer = Pipe(duplex=False)
        sys.stdout.flush()  # or the new process would write this process's buffered text again
        sys.stderr.flush()
        # SIGTERM waits until the fork is complete on both sides (a handler raising inside
        # the interpreter's fork hooks would be ignored), and until the new process has
        # its own handler.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:
            pid = os.fork()
        except OSError as exc:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            reader.close()
            writer.close()
            if attempt == execute.START_ATTEMPTS:
                raise StartFailed(
                    f"could not start a process ({attempt} attempts): {exc}"
                ) from exc
            time.sleep(execute.START_BACKOFF * 2 ** (attempt - 1))
            continue
        if pid == 0:  # the new process
            _run_new_process(target, args, writer, [reader, *closing], on_sigterm, mask)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        writer.close()
        return pid, reader
    raise AssertionError("unreachable")


def _run_new_process(
    target: Callable[..., None],
    args: Iterable[Any],
    writer: Connection,
    closing: Iterable[Connection],
    on_sigterm: Any,
    mask: Iterable[int],
) -> None:
    status = 1
    try:
        signal.signal(signal.SIGTERM, on_sigterm)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for connection in closing:
            connection.close()
        _die_with_parent()
        target(writer, *args)
        status = 0
    except _Stopped:
        status = STOPPED
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def reap(pid: int) -> str:
    """Wait for a process started here; how it ended, in words ('' if it exited with 0)."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            return ""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return f"was killed by signal {number} ({signal.Signals(number).name})"
    code = os.WEXITSTATUS(status)
    return f"exited with status {code}" if code else ""


def _stop_all(pids: Iterable[int], grace: float = 5.0) -> None:
    pids = list(pids)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in pids:
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
        else:
            _signal(pid, signal.SIGKILL)
            reap(pid)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


# --- the process for one notebook ----------------------------------------------------------


def _notebook_process(writer: Connection, task: AuthorityTask, section_id: str) -> None:
    job = task.job
    writer.send(NotebookStarted())
    notebook = task.workspace.notebooks_dir / f"{section_id}.ipynb"
    output = job.staging / "notebooks" / f"{section_id}.ipynb"
    try:
        with reads.recording() as read:  # the fork engine runs the cells in this process
            seconds = execute_section(notebook, output, job.parameters, task.engine)
    except SectionFailed as exc:
        writer.send(NotebookFailed(exc.cell, exc.error))
    except StartFailed as exc:
        writer.send(NotebookFailed("", str(exc)))
    except Exception as exc:
        writer.send(NotebookFailed("", f"{type(exc).__name__}: {exc}"))
    else:
        params_dir = task.workspace.params_dir
        noted = tuple(input_names(read, params_dir)) if task.engine == "fork" else None
        writer.send(NotebookDone(seconds, noted))


# --- the process for one authority ---------------------------------------------------------


@dataclass
class _Running:
    section_id: str
    pid: int
    started: bool = False
    result: NotebookReport | None = None


def _authority_process(conn: Connection, task: AuthorityTask) -> None:
    job, workspace = task.job, task.workspace
    _warm_authority(task)
    ids = [s.id for s in job.sections]
    sections, current = plan_sections(
        workspace, job.slug, ids, job.parameters, task.build, task.force
    )
    keep_sections(sections, workspace.output_dir / job.config.year / job.slug, job.staging)
    conn.send(SectionsPlanned(job.slug, sections.execute, tuple(sections.keep)))
    timings: dict[str, float] = dict(sections.timings)
    noted: dict[str, list[str] | None] = {**sections.recorded}
    attempts: dict[str, int] = {}
    pending = [s for s in _longest_first(task) if s in sections.execute]
    running: dict[Connection, _Running] = {}
    failure: Failure | None = None
    try:
        while (pending and failure is None) or running:
            while pending and failure is None and len(running) < task.concurrency:
                section_id = pending.pop(0)
                attempts[section_id] = attempts.get(section_id, 0) + 1
                try:
                    pid, reader = start_process(
                        _notebook_process, (task, section_id), closing=[conn, *running]
                    )
                except StartFailed as exc:
                    failure = Failure(job.slug, section_id, "", str(exc))
                    break
                running[reader] = _Running(section_id, pid)
            if not running:
                continue
            for reader in wait(list(running)):
                child = running[reader]
                try:
                    message = reader.recv()
                except EOFError:
                    del running[reader]
                    reader.close()
                    how = reap(child.pid)
                    if child.result is not None:
                        continue
                    if not child.started and attempts[child.section_id] < execute.START_ATTEMPTS:
                        pending.insert(0, child.section_id)  # died before it began: retry
                        continue
                    failure = failure or Failure(
                        job.slug, child.section_id, "", f"the notebook's process {how or 'ended'}"
                    )
                    continue
                match message:
                    case NotebookStarted():
                        child.started = True
                    case NotebookDone(seconds=seconds, reads=read):
                        child.result = message
                        timings[child.section_id] = seconds
                        noted[child.section_id] = None if read is None else list(read)
                        conn.send(SectionExecuted(job.slug, child.section_id, seconds))
                    case NotebookFailed(cell=cell, error=error):
                        child.result = message
                        failure = failure or Failure(job.slug, child.section_id, cell, error)
            if failure is not None and running:
                _stop_all(c.pid for c in running.values())  # the authority fails anyway
                for reader in running:
                    reader.close()
                running.clear()
    finally:
        _stop_all(c.pid for c in running.values())
    if failure is not None:
        conn.send(AuthorityFailed(failure))
        return
    try:
        inputs = {s: current.inputs(noted.get(s), s) for s in ids}
        built = workspace.output_dir / job.config.year / job.slug
        last = built if sections.keep else None  # kept sections: the same code built it
        publish_job(job, timings, workspace, task.build, inputs, last)
    except OSError as exc:  # a full or read-only disk: said in a line, not a traceback
        conn.send(AuthorityFailed(Failure(job.slug, "publishing", "", cannot_write(exc))))
        return
    except Exception as exc:
        traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}"
        conn.send(AuthorityFailed(Failure(job.slug, "publishing", "", error)))
        return
    conn.send(AuthorityBuilt(job.slug))


def _longest_first(task: AuthorityTask) -> list[str]:
    # The longest notebooks start first, so that the last to finish is a short one: by the
    # times in the last build's manifest, else by the notebook's size (its stored outputs).
    import json

    job = task.job
    manifest = task.workspace.output_dir / job.config.year / job.slug / "manifest.json"
    try:
        timings = json.loads(manifest.read_text(encoding="utf-8")).get("timings", {})
    except (OSError, ValueError, AttributeError):
        timings = {}
    if not isinstance(timings, dict):
        timings = {}

    def expected(section_id: str) -> tuple[float, float]:
        notebook = task.workspace.notebooks_dir / f"{section_id}.ipynb"
        size = notebook.stat().st_size if notebook.exists() else 0
        return (float(timings.get(section_id, -1)), size)

    return sorted((s.id for s in job.sections), key=expected, reverse=True)


def _warm_authority(task: AuthorityTask) -> None:
    # Loaded and computed once here, reused by every notebook forked from this process
    # (yjnb.reuse), called exactly as yjnb.open_plan calls them, and the kernel's shell made
    # (yjnb.batch.engine). Only a speed-up: if an input is refused here, each notebook loads
    # it (and reports the problem) itself.
    from yjnb import reuse
    from yjnb.batch.engine import make_spare_shell

    reuse.remember()
    _load_inputs(task)
    if task.engine == "fork":
        make_spare_shell()
    gc.freeze()


def _load_inputs(task: AuthorityTask) -> None:
    # What every notebook of the authority loads and computes first, loaded here to be
    # reused (yjnb.reuse must be on).
    from yjnb.inputs.config import load_plan
    from yjnb.inputs.load import load_local, load_national
    from yjnb.narrative.content_figures import content_values
    from yjnb.narrative.placeholders import placeholder_values
    from yjnb.sections.comparisons import compare_authority

    job, workspace = task.job, task.workspace
    try:
        national = load_national(workspace.data_dir)
        config = load_plan(
            workspace.params_dir, job.slug, overrides={"year": job.parameters["year"]}
        )
        local = load_local(workspace.data_dir, job.slug, national, config)
        comparison = compare_authority(config, national)
        content_values(config, local)  # what narrative placeholders quote
        placeholder_values(config, national, comparison)
    except InputError:
        pass  # reported by the notebooks themselves


# --- the server ----------------------------------------------------------------------------


def preload() -> None:
    """Import what notebooks and publishing use, so forked processes start with it done."""
    from yjnb.batch.engine import INLINE_BACKEND

    # As ipykernel sets it before a kernel imports anything (yjnb.present.charts then selects Agg).
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # another version without it: only a warm-up
            continue
    for module in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="yjnb."):
        if module.name != "yjnb.__main__":
            try:
                importlib.import_module(module.name)
            except ImportError:  # a module a notebook cannot import fails there
                continue
    _warm_caches()
    gc.freeze()  # forked processes then leave these objects' pages shared


# yjnb's cached loaders of its own files (the section list, vocabularies, palettes, symbols,
# the nbconvert exporter), by module: called once in the server, which every process forks.
WARM_UP = (
    ("yjnb", "_exports"),
    ("yjnb.inputs.config", "default_sections"),
    ("yjnb.inputs.plan_content", "vocabulary"),
    ("yjnb.present.charts", "palette"),
    ("yjnb.sections.cohort", "_vocabulary"),
    ("yjnb.sections.kpis", "_presentation"),
    ("yjnb.publish.outputs", "_exporter"),
    ("yjnb.publish.spreadsheet", "symbol_meanings"),
)


def _warm_caches() -> None:
    # What every notebook's process would otherwise build again: the loaders above, the
    # page templates compiled, and matplotlib's fonts. A package file that cannot be read
    # is left for the notebook that reads it to report.
    import yaml
    from jinja2 import TemplateError
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from yjnb.present.charts import to_svg
    from yjnb.present.tables import compile_templates

    for module, name in WARM_UP:
        try:
            getattr(importlib.import_module(module), name)()
        except (OSError, yaml.YAMLError, TemplateError):
            continue
    try:
        compile_templates()
    except (OSError, TemplateError):
        pass
    figure = Figure(figsize=(2, 1))
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "Warm 0123456789")
    to_svg(figure)


@dataclass(frozen=True)
class IndexTask:
    """Write a year's index, then its website folder (after every authority of the year ended)."""

    year_dir: Path
    year: str

    @property
    def label(self) -> str:
        """How reports about it are labelled."""
        return f"index {self.year}"


def _index_process(writer: Connection, task: IndexTask) -> None:
    from yjnb.publish.outputs import write_index
    from yjnb.publish.website import write_website

    try:
        path = write_index(task.year_dir, task.year)
        write_website(task.year_dir)
    except OSError as exc:  # a full or read-only disk: said in a line, not a traceback
        writer.send(IndexFailed(task.year, cannot_write(exc)))
    except Exception as exc:
        traceback.print_exc()
        writer.send(IndexFailed(task.year, f"{type(exc).__name__}: {exc}"))
    else:
        writer.send(IndexWritten(task.year, path))


def serve(conn: Connection) -> None:
    """Fork a process for each task received (an authority, an index); pass reports back."""
    conn.send(ServerReady(os.getpid()))
    children: dict[Connection, tuple[int, str]] = {}
    warmed: set[Path] = set()
    try:
        while True:
            for ready in wait([conn, *children]):
                if ready is conn:
                    try:
                        task: AuthorityTask | IndexTask = conn.recv()
                    except EOFError:
                        return
                    if isinstance(task, IndexTask):
                        target, label = _index_process, task.label
                    else:
                        _warm_workspace(task, warmed)
                        if task.keep_inputs:
                            _load_inputs(task)
                            gc.freeze()
                        target, label = _authority_process, task.job.slug
                    try:
                        pid, reader = start_process(
                            target, (task,), closing=[conn, *children], on_sigterm=_raise_stopped
                        )
                    except StartFailed as exc:
                        conn.send(ProcessEnded(label, str(exc)))
                        continue
                    children[reader] = (pid, label)
                    continue
                try:
                    conn.send_bytes(ready.recv_bytes())
                except EOFError:
                    pid, label = children.pop(ready)
                    ready.close()
                    conn.send(ProcessEnded(label, reap(pid)))
    finally:
        _stop_all(pid for pid, _ in children.values())


def _warm_workspace(task: AuthorityTask, warmed: set[Path]) -> None:
    # Once per workspace, before forking authorities, which inherit it: the national data
    # (yjnb.reuse), and Papermill's own first-use work (reading, parameterising, validating
    # and writing a notebook), done on a section notebook without executing it.
    workspace = task.workspace
    if workspace.data_dir in warmed:
        return
    warmed.add(workspace.data_dir)
    import tempfile

    import nbformat
    import papermill
    from papermill.exceptions import PapermillException

    from yjnb import reuse
    from yjnb.inputs.load import load_national

    reuse.remember()
    try:
        load_national(workspace.data_dir)
    except InputError:
        pass  # reported by the notebooks themselves
    notebook = workspace.notebooks_dir / f"{task.job.sections[0].id}.ipynb"
    with tempfile.TemporaryDirectory() as folder:
        try:
            papermill.execute_notebook(
                str(notebook),
                str(Path(folder) / notebook.name),
                parameters=task.job.parameters,
                prepare_only=True,
                progress_bar=False,
                report_mode=True,
            )
        except (OSError, ValueError, nbformat.ValidationError, PapermillException):
            pass  # a notebook that cannot be read or parameterised fails in its own process
    gc.freeze()


SERVER_COMMAND = "import sys; from yjnb.batch.workers import main; sys.exit(main(sys.argv[1:]))"


def main(argv: list[str]) -> int:
    """The worker server (``python -c SERVER_COMMAND FD``): serve the runner over socket FD."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when to stop
    signal.signal(signal.SIGTERM, _raise_stopped)
    conn = Connection(int(argv[0]))
    _die_with_parent()
    try:
        preload()
        serve(conn)
    except _Stopped:
        return STOPPED
    except BrokenPipeError:
        return 1  # the runner has gone
    return 0
