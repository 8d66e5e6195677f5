"""Batch workers: one process imports everything once, then forks the processes that build.

Starting Python and importing pandas, matplotlib, seaborn and IPython costs about a second;
running one section notebook costs a fraction of that. So :func:`yjnb.runner.run` starts one
worker server (:func:`main`), which imports everything once and then forks:

- a process per authority, which loads the authority's inputs and computes its indicators
  once (kept for its own forks: :mod:`yjnb.reuse`), runs the section notebooks, publishes
  the pages and swaps them into place;
- a process per section notebook, forked from its authority's process, which runs Papermill
  and exits. With the ``fork`` engine the cells run in that fresh process
  (:mod:`yjnb.engine`); with the ``kernel`` engine Papermill starts a Jupyter kernel, as plain
  Papermill does.

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
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, Pipe, wait
from pathlib import Path
from typing import Any

# jsonschema, imported with nbformat, imports rfc3987_syntax if it is installed, only to check
# "iri" formats, which neither nbformat nor yjnb use; importing it builds some forty parsers,
# about a second in every process that imports nbformat. yjnb's batch processes skip it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import nbformat  # noqa: E402

from yjnb.paths import PACKAGE_DIR, Workspace

ENGINES = ("fork", "kernel")
START_ATTEMPTS = 3  # a process or kernel that fails to start is tried this many times
START_BACKOFF = 0.5  # seconds before the second attempt; doubled for each further one
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


class SectionFailed(Exception):
    """A notebook cell raised: which cell (as numbered in the source notebook) and why."""

    def __init__(self, cell: str, error: str):
        super().__init__(cell, error)
        self.cell, self.error = cell, error


class StartFailed(Exception):
    """A process or kernel did not start, even after retrying."""


class _Stopped(BaseException):
    """SIGTERM arrived: stop what this process started, then exit."""


@dataclass(frozen=True)
class AuthorityTask:
    """What an authority's process needs: the job, where, how, and how many notebooks at once."""

    job: Any  # yjnb.runner.Job
    workspace: Workspace
    engine: str = "fork"
    concurrency: int = 1
    build: dict[str, str] = field(default_factory=dict)


# --- executing one notebook ----------------------------------------------------------------


def ipc_kernel_manager() -> type:
    """A kernel manager whose kernels talk over unique local sockets, not TCP ports.

    No port clashes between parallel workers, and no unencrypted-TCP warning from every kernel.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _unique_socket_prefix(self) -> str:
            # The default prefix is 'kernel-ipc' in the cwd, shared by parallel kernels.
            return os.path.join(tempfile.gettempdir(), f"yjnb-kernel-{uuid.uuid4().hex}")

    return IPCKernelManager


def execute_section(
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    engine: str = "kernel",
    kernel_manager_class: type | None = None,
) -> float:
    """Execute one section notebook with Papermill; returns seconds taken.

    Parameters
    ----------
    notebook, output
        The section notebook, and where the executed copy is written.
    parameters
        Papermill parameters (see :data:`yjnb.runner.NOTEBOOK_PARAMETERS`).
    engine
        ``fork``: the cells run in this process, which must be a fresh one used for nothing
        else (:mod:`yjnb.engine`). ``kernel``: Papermill starts a Jupyter kernel; a kernel that
        fails to start is retried.
    kernel_manager_class
        For the kernel engine; default: kernels over local sockets (:func:`ipc_kernel_manager`).

    Raises
    ------
    SectionFailed
        Naming the failing cell as numbered in the source notebook (papermill's injected
        parameters cell is not counted) with its first line of code.
    StartFailed
        If the kernel did not start after :data:`START_ATTEMPTS` attempts.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import ERROR_MARKER_TAG

    options: dict[str, Any] = {
        "parameters": parameters,
        "progress_bar": False,
        "report_mode": True,
        "cwd": str(notebook.parent),
    }
    started = time.perf_counter()
    try:
        if engine == "fork":
            from yjnb.engine import ENGINE_NAME

            # Nothing to watch while it runs: written once, at the end (or at the failure).
            papermill.execute_notebook(
                str(notebook),
                str(output),
                engine_name=ENGINE_NAME,
                request_save_on_cell_execute=False,
                **options,
            )
        else:
            _execute_in_kernel(notebook, output, options, kernel_manager_class)
    except PapermillExecutionError as exc:
        # Counted in the executed notebook as it was run, before papermill added its markers.
        cells = [
            c
            for c in nbformat.read(output, as_version=4).cells
            if ERROR_MARKER_TAG not in c.metadata.get("tags", [])
        ][: exc.cell_index]
        injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
        code = exc.source.strip().splitlines()[-1] if exc.source.strip() else ""
        cell = f"cell {exc.cell_index + 1 - injected} ({code})"
        raise SectionFailed(cell, f"{exc.ename}: {exc.evalue}".strip()) from None
    return time.perf_counter() - started


def _execute_in_kernel(
    notebook: Path, output: Path, options: dict[str, Any], kernel_manager_class: type | None
) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    manager = kernel_manager_class or ipc_kernel_manager()
    for attempt in range(1, START_ATTEMPTS + 1):
        ready: list[bool] = []
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                kernel_manager_class=manager,
                on_notebook_start=lambda _ready=ready, **_: _ready.append(True),
                **options,
            )
            return
        except PapermillExecutionError:
            raise
        except Exception as exc:  # a kernel that never became ready is worth another try
            if ready:
                raise
            if attempt == START_ATTEMPTS:
                raise StartFailed(
                    f"the kernel did not start ({attempt} attempts): {type(exc).__name__}: {exc}"
                ) from exc
            time.sleep(START_BACKOFF * 2 ** (attempt - 1))


# --- publishing one authority --------------------------------------------------------------


def publish_job(
    job: Any, timings: dict[str, float], workspace: Workspace, build: dict[str, str]
) -> None:
    """Publish a staged authority, then swap it into place."""
    import json

    from yjnb.publish import Executed, publish_authority
    from yjnb.runner import build_inputs

    executed = [
        Executed(s, nbformat.read(job.staging / "notebooks" / f"{s.id}.ipynb", 4), timings[s.id])
        for s in job.sections
    ]
    inputs = build_inputs(workspace, job.slug, job.sections)
    manifest = publish_authority(
        job.staging, job.slug, job.config, executed, inputs, job.parameters, job.profiles
    )
    # How it was built: the runner compares this before reusing a build.
    manifest["build"] = build
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (job.staging / "manifest.json").write_text(text, encoding="utf-8")
    swap(job.staging, workspace.output_dir / job.config.year / job.slug)


def swap(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is; the old build is removed only once the new is in.

    Renames are atomic on one filesystem, and SIGTERM waits until both are done.
    """
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        if target.exists():
            target.rename(old)
        staging.rename(target)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    shutil.rmtree(old, ignore_errors=True)


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
    for attempt in range(1, START_ATTEMPTS + 1):
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
            if attempt == START_ATTEMPTS:
                raise StartFailed(
                    f"could not start a process ({attempt} attempts): {exc}"
                ) from exc
            time.sleep(START_BACKOFF * 2 ** (attempt - 1))
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
    writer.send(("started",))
    notebook = task.workspace.notebooks_dir / f"{section_id}.ipynb"
    output = job.staging / "notebooks" / f"{section_id}.ipynb"
    try:
        seconds = execute_section(notebook, output, job.parameters, task.engine)
    except SectionFailed as exc:
        writer.send(("failed", exc.cell, exc.error))
    except StartFailed as exc:
        writer.send(("failed", "", str(exc)))
    except Exception as exc:
        writer.send(("failed", "", f"{type(exc).__name__}: {exc}"))
    else:
        writer.send(("done", seconds))


# --- the process for one authority ---------------------------------------------------------


@dataclass
class _Running:
    section_id: str
    pid: int
    started: bool = False
    result: tuple | None = None


def _authority_process(conn: Connection, task: AuthorityTask) -> None:
    from yjnb.runner import Failure

    job = task.job
    _warm_authority(task)
    timings: dict[str, float] = {}
    attempts: dict[str, int] = {}
    pending = [s.id for s in job.sections]
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
                    if not child.started and attempts[child.section_id] < START_ATTEMPTS:
                        pending.insert(0, child.section_id)  # died before it began: retry
                        continue
                    failure = failure or Failure(
                        job.slug, child.section_id, "", f"the notebook's process {how or 'ended'}"
                    )
                    continue
                if message[0] == "started":
                    child.started = True
                    continue
                child.result = message
                if message[0] == "done":
                    timings[child.section_id] = message[1]
                    conn.send(("executed", job.slug, child.section_id, message[1]))
                elif failure is None:
                    failure = Failure(job.slug, child.section_id, message[1], message[2])
            if failure is not None and running:
                _stop_all(c.pid for c in running.values())  # the authority fails anyway
                for reader in running:
                    reader.close()
                running.clear()
    finally:
        _stop_all(c.pid for c in running.values())
    if failure is not None:
        conn.send(("failed", failure))
        return
    try:
        publish_job(job, timings, task.workspace, task.build)
    except Exception as exc:
        traceback.print_exc()
        conn.send(("failed", Failure(job.slug, "publishing", "", f"{type(exc).__name__}: {exc}")))
        return
    conn.send(("built", job.slug))


def _warm_authority(task: AuthorityTask) -> None:
    # Loaded and computed once here, reused by every notebook forked from this process
    # (yjnb.reuse), called exactly as yjnb.open_plan calls them. Only a speed-up: if anything
    # fails here, each notebook loads (and reports the problem) itself.
    from yjnb import reuse
    from yjnb.comparisons import compare_authority
    from yjnb.config import load_plan
    from yjnb.load import load_local, load_national

    reuse.remember()
    job, workspace = task.job, task.workspace
    try:
        national = load_national(workspace.data_dir)
        load_local(workspace.data_dir, job.slug, national)
        config = load_plan(
            workspace.params_dir, job.slug, overrides={"year": job.parameters["year"]}
        )
        compare_authority(config, national)
    except Exception:  # noqa: S110 - reported by the notebooks themselves
        pass
    gc.freeze()


# --- the server ----------------------------------------------------------------------------


def preload() -> None:
    """Import what notebooks and publishing use, so forked processes start with it done."""
    from yjnb.engine import INLINE_BACKEND

    # As ipykernel sets it before a kernel imports anything (yjnb.charts then selects Agg).
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
            except Exception:  # noqa: S112 - a module a notebook cannot import fails there
                continue
    _warm_caches()
    gc.freeze()  # forked processes then leave these objects' pages shared


def _warm_caches() -> None:
    # What every notebook's process would otherwise build again: yjnb's cached loaders of
    # its own files (vocabularies, palettes, the section list, the nbconvert exporter), its
    # compiled templates, and matplotlib's fonts.
    import io

    from jinja2 import Environment
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    for name, module in list(sys.modules.items()):
        if not (name == "yjnb" or name.startswith("yjnb.")):
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and hasattr(value, "cache_info"):
                _call_without_arguments(value)
            elif isinstance(value, Environment):
                _compile_templates(value)
    figure = Figure(figsize=(2, 1))
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "Warm 0123456789")
    figure.savefig(io.BytesIO(), format="png")


def _call_without_arguments(function: Callable[..., Any]) -> None:
    import inspect

    try:
        parameters = inspect.signature(function).parameters.values()
        if all(
            p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in parameters
        ):
            function()
    except Exception:  # noqa: S110 - only a warm-up; the notebook meets any error itself
        pass


def _compile_templates(environment: Any) -> None:
    try:
        names = environment.list_templates(extensions=["j2"])
    except (TypeError, OSError):
        return
    for name in names:
        try:
            environment.get_template(name)
        except Exception:  # noqa: S112 - only a warm-up
            continue


def serve(conn: Connection) -> None:
    """Fork a process for each authority task received; pass every report back."""
    conn.send(("ready", os.getpid()))
    authorities: dict[Connection, tuple[int, str]] = {}
    warmed: set[Path] = set()
    try:
        while True:
            for ready in wait([conn, *authorities]):
                if ready is conn:
                    try:
                        task: AuthorityTask = conn.recv()
                    except EOFError:
                        return
                    _warm_workspace(task, warmed)
                    try:
                        pid, reader = start_process(
                            _authority_process,
                            (task,),
                            closing=[conn, *authorities],
                            on_sigterm=_raise_stopped,
                        )
                    except StartFailed as exc:
                        conn.send(("ended", task.job.slug, str(exc)))
                        continue
                    authorities[reader] = (pid, task.job.slug)
                    continue
                try:
                    conn.send_bytes(ready.recv_bytes())
                except EOFError:
                    pid, slug = authorities.pop(ready)
                    ready.close()
                    conn.send(("ended", slug, reap(pid)))
    finally:
        _stop_all(pid for pid, _ in authorities.values())


def _warm_workspace(task: AuthorityTask, warmed: set[Path]) -> None:
    # Once per workspace, before forking authorities, which inherit it: the national data
    # (yjnb.reuse), and Papermill's own first-use work (reading, parameterising, validating
    # and writing a notebook), done on a section notebook without executing it.
    workspace = task.workspace
    if workspace.data_dir in warmed:
        return
    warmed.add(workspace.data_dir)
    import tempfile

    import papermill

    from yjnb import reuse
    from yjnb.load import load_national

    reuse.remember()
    try:
        load_national(workspace.data_dir)
    except Exception:  # noqa: S110 - reported by the notebooks themselves
        pass
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
        except Exception:  # noqa: S110 - only a warm-up
            pass
    gc.freeze()


SERVER_COMMAND = "import sys; from yjnb.workers import main; sys.exit(main(sys.argv[1:]))"


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
