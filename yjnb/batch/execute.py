"""One section notebook executed, one authority published: the steps the batch repeats.

:mod:`yjnb.batch.workers` runs these in the processes it forks; :mod:`yjnb.batch.runner`
plans them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any

# jsonschema, imported with nbformat, imports rfc3987_syntax if it is installed, only to check
# "iri" formats, which neither nbformat nor yjnb use; importing it builds some forty parsers,
# about a second in every process that imports nbformat. yjnb's batch processes skip it.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import nbformat  # noqa: E402

from yjnb.batch.jobs import build_inputs
from yjnb.inputs.draft import missing_parts
from yjnb.paths import PROJECT_ROOT, Workspace, to_root  # noqa: E402

ENGINES = ("fork", "kernel")
START_ATTEMPTS = 3  # a process or kernel that fails to start is tried this many times
START_BACKOFF = 0.5  # seconds before the second attempt; doubled for each further one


class SectionFailed(Exception):
    """A notebook cell raised: which cell (as numbered in the source notebook) and why."""

    def __init__(self, cell: str, error: str):
        super().__init__(cell, error)
        self.cell, self.error = cell, error


class StartFailed(Exception):
    """A process or kernel did not start, even after retrying."""


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
        Papermill parameters (see :data:`yjnb.batch.jobs.NOTEBOOK_PARAMETERS`).
    engine
        ``fork``: the cells run in this process, which must be a fresh one used for nothing
        else (:mod:`yjnb.batch.engine`). ``kernel``: Papermill starts a Jupyter kernel; a
        kernel that fails to start is retried.
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
    # Named relative to the project root, as the executed notebook records them.
    source, executed = to_root(notebook), to_root(output)
    started = time.perf_counter()
    try:
        with contextlib.chdir(PROJECT_ROOT):
            if engine == "fork":
                from yjnb.batch.engine import ENGINE_NAME

                # Nothing to watch while it runs: written once, at the end (or at the failure).
                papermill.execute_notebook(
                    source,
                    executed,
                    engine_name=ENGINE_NAME,
                    request_save_on_cell_execute=False,
                    **options,
                )
            else:
                _execute_in_kernel(source, executed, options, kernel_manager_class)
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
    notebook: str, output: str, options: dict[str, Any], kernel_manager_class: type | None
) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    manager = kernel_manager_class or ipc_kernel_manager()
    for attempt in range(1, START_ATTEMPTS + 1):
        ready: list[bool] = []
        try:
            papermill.execute_notebook(
                notebook,
                output,
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


def cannot_write(exc: OSError) -> str:
    """Why an output could not be written, in a line: which path, and what the system said."""
    return f"cannot write {exc.filename}: {exc.strerror}; what was published before is untouched"


def publish_job(
    job: Any, timings: dict[str, float], workspace: Workspace, build: dict[str, str]
) -> None:
    """Publish a staged authority, then swap it into place."""
    import json

    from nbformat.v4 import nbjson

    from yjnb.publish.outputs import Executed, publish_authority

    def read(section_id: str) -> nbformat.NotebookNode:
        # As Papermill has just written (and validated) it: not validated again.
        text = (job.staging / "notebooks" / f"{section_id}.ipynb").read_text(encoding="utf-8")
        return nbjson.reads(text)

    executed = [Executed(s, read(s.id), timings[s.id]) for s in job.sections]
    inputs = build_inputs(workspace, job.slug, job.sections)
    draft = [str(p) for p in missing_parts(workspace, job.slug, job.config)]
    manifest = publish_authority(
        job.staging, job.slug, job.config, executed, inputs, job.parameters, job.profiles, draft
    )
    # How it was built: the runner compares this before reusing a build.
    manifest["build"] = build
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (job.staging / "manifest.json").write_text(text, encoding="utf-8")
    from yjnb.publish.staging import swap

    swap(job.staging, workspace.output_dir / job.config.year / job.slug)
