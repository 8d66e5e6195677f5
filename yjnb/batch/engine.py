"""A Papermill engine that runs a notebook's cells in the current process, as a kernel would.

The batch forks one fresh process per notebook from a process that has already imported
yjnb, pandas, matplotlib and IPython (:mod:`yjnb.batch.workers`), and that process runs Papermill
with this engine. Papermill still parameterises the notebook, records its metadata, raises
``PapermillExecutionError`` for a failing cell and writes the output notebook; only the
kernel is replaced. Cells run in a new instance of the kernel's own shell class
(ipykernel's ``ZMQInteractiveShell``), and what it would send to a notebook client (streams,
display data, results, errors, clear_output) is captured from the same code paths and stored
as nbclient stores it, so nbval and publishing see the same outputs either way.

The engine refuses to run twice in one process: a notebook's code runs in the process, so
the process must be thrown away afterwards (the fork per notebook is what gives every
notebook a fresh namespace and fresh module state).
"""

from __future__ import annotations

import builtins
import datetime
import getpass
import io
import os
import sys
import tempfile
import warnings
from typing import Any

import nbformat
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "yjnb-inprocess"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _timestamp() -> str:
    # The form nbclient records in cell.metadata.execution.
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _capturing_session() -> Any:
    from jupyter_client.session import Session

    class CapturingSession(Session):
        """Keeps what the shell publishes instead of sending it over a socket."""

        def __init__(self, **kwargs: Any):
            super().__init__(**kwargs)
            self.sent: list[dict[str, Any]] = []

        def send(self, stream, msg_or_type, content=None, parent=None, ident=None, **kw):  # noqa: D102
            if isinstance(msg_or_type, dict):
                msg_type, content = msg_or_type["header"]["msg_type"], msg_or_type["content"]
            else:
                msg_type = msg_or_type
            # Through JSON and back, exactly as the message would travel to nbclient.
            message = {
                "header": {"msg_type": msg_type},
                "content": self.unpack(self.pack(content)),
            }
            self.sent.append(message)
            return message

    return CapturingSession(key=b"")


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr during a cell: text waits here until the next output."""

    def __init__(self, name: str, session: Any, fd: int):
        super().__init__()
        self._name, self._session, self._fd = name, session, fd
        self._parts: list[str] = []

    @property
    def name(self) -> str:  # noqa: D102
        return f"<{self._name}>"

    @property
    def encoding(self) -> str:  # noqa: D102
        return "UTF-8"

    def writable(self) -> bool:  # noqa: D102
        return True

    def isatty(self) -> bool:  # noqa: D102
        return False

    def fileno(self) -> int:  # noqa: D102
        return self._fd  # redirected: what subprocesses write is captured too

    def write(self, text: str) -> int:  # noqa: D102
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._parts.append(text)
        return len(text)

    def add(self, text: str) -> None:
        self._parts.append(text)

    def flush(self) -> None:  # noqa: D102
        if self._parts:
            text = "".join(self._parts)
            self._parts.clear()
            self._session.send(None, "stream", {"name": self._name, "text": text})


class _FdCapture:
    """Output written straight to file descriptor 1 or 2 (C libraries, subprocesses)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.saved = os.dup(fd)
        self.file = tempfile.TemporaryFile()
        os.dup2(self.file.fileno(), fd)
        self.read_to = 0

    def take(self) -> str:
        size = os.fstat(self.fd).st_size
        if size <= self.read_to:
            return ""
        data = os.pread(self.fd, size - self.read_to, self.read_to)
        self.read_to += len(data)
        return data.decode("utf-8", errors="replace")

    def restore(self) -> None:
        os.dup2(self.saved, self.fd)
        os.close(self.saved)
        self.file.close()


def _no_input(*args: Any, **kwargs: Any) -> str:
    from IPython.core.error import StdinNotImplementedError

    raise StdinNotImplementedError(
        "raw_input was called, but this frontend does not support input requests."
    )


_spare: list[Any] = []  # a shell made ahead of need (make_spare_shell), never used here


def _new_shell() -> Any:
    from ipykernel.compiler import XCachingCompiler
    from ipykernel.zmqshell import ZMQInteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False  # no sqlite history thread
    return ZMQInteractiveShell.instance(config=config, compiler_class=XCachingCompiler)


def make_spare_shell() -> None:
    """Make the kernel's shell now, in a process that will fork the notebooks' processes.

    Each process forked afterwards finds its own copy of a shell that has never run a
    cell, as if it had just made one, without the cost (about 12 ms a notebook). The
    process that makes it runs no notebook itself.
    """
    from IPython.core.interactiveshell import InteractiveShell

    if not InteractiveShell.initialized():
        _spare.append(_new_shell())


class InProcessKernel:
    """The stand-in for a kernel: one shell, its captured output, cells run one at a time."""

    def __init__(self) -> None:
        from IPython.core.interactiveshell import InteractiveShell

        if InteractiveShell.initialized() and not _spare:  # the spare goes once it is used
            raise RuntimeError(
                "the in-process engine runs one notebook per process; this process has "
                "already run one"
            )
        self.count = 0
        self._display_ids: dict[str, list[tuple[list, int]]] = {}
        self._clear_pending = False

    def __enter__(self) -> InProcessKernel:
        self._fresh_process_state()
        self.session = _capturing_session()
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = (sys.stdout, sys.stderr, builtins.input, getpass.getpass)
        self._fds = {"stdout": _FdCapture(1), "stderr": _FdCapture(2)}
        self._streams = {
            name: _Stream(name, self.session, capture.fd) for name, capture in self._fds.items()
        }
        sys.stdout, sys.stderr = self._streams["stdout"], self._streams["stderr"]
        builtins.input = getpass.getpass = _no_input
        self.shell = _spare.pop() if _spare else _new_shell()
        self.shell.displayhook.session = self.session
        self.shell.display_pub.session = self.session
        return self

    def __exit__(self, *exc: object) -> None:
        self._flush()
        sys.stdout, sys.stderr, builtins.input, getpass.getpass = self._saved
        for capture in self._fds.values():
            capture.restore()

    @staticmethod
    def _fresh_process_state() -> None:
        # What a freshly started kernel process would have that a forked one does not.
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        saved = list(warnings.filters)
        warnings.resetwarnings()  # also forgets which warnings were already shown
        warnings.filters[:] = saved
        warnings.onceregistry.clear()
        if "numpy" in sys.modules:  # a fresh seed, as a fresh process's numpy would have
            sys.modules["numpy"].random.seed(int.from_bytes(os.urandom(4), "little"))

    def _flush(self) -> None:
        for name, capture in self._fds.items():
            text = capture.take()
            if text:
                self._streams[name].add(text)
        # Order as ipykernel flushes before publishing: stdout, then stderr.
        self._streams["stdout"].flush()
        self._streams["stderr"].flush()

    def execute(self, cell: nbformat.NotebookNode, cell_index: int) -> bool:
        """Run one cell as nbclient would; False if it failed and the run should stop."""
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not cell.source.strip() or "skip-execution" in tags:
            return True
        timing = cell.metadata["execution"] = {}
        timing["iopub.status.busy"] = _timestamp()
        self.count += 1
        cell.execution_count = self.count
        timing["iopub.execute_input"] = _timestamp()
        cell.outputs = []
        self._clear_pending = False
        result = self.shell.run_cell(cell.source, store_history=True, silent=False)
        self._flush()
        timing["shell.execute_reply"] = _timestamp()
        self._collect(cell, cell_index)
        timing["iopub.status.idle"] = _timestamp()
        failed = not result.success or getattr(
            self.shell, "_last_traceback_during_displayhook", False
        )
        return not failed or "raises-exception" in tags

    def _collect(self, cell: nbformat.NotebookNode, cell_index: int) -> None:
        messages, self.session.sent = self.session.sent, []
        for message in messages:
            msg_type, content = message["header"]["msg_type"], message["content"]
            display_id = (content.get("transient") or {}).get("display_id")
            if display_id and msg_type in (
                "execute_result",
                "display_data",
                "update_display_data",
            ):
                self._update_display(display_id, content)
            if msg_type == "clear_output":
                if content.get("wait"):
                    self._clear_pending = True
                else:
                    cell.outputs.clear()
                continue
            if msg_type == "update_display_data":
                continue
            if self._clear_pending:
                cell.outputs.clear()
                self._clear_pending = False
            output = nbformat.v4.output_from_msg(message)
            if display_id:
                self._display_ids.setdefault(display_id, []).append(
                    (cell.outputs, len(cell.outputs))
                )
            cell.outputs.append(output)

    def _update_display(self, display_id: str, content: dict[str, Any]) -> None:
        for outputs, index in self._display_ids.get(display_id, []):
            if index < len(outputs) and outputs[index].get("output_type") in (
                "display_data",
                "execute_result",
            ):
                outputs[index]["data"] = content["data"]
                outputs[index]["metadata"] = content["metadata"]


def language_info() -> dict[str, Any]:
    """The notebook's language_info, as the ipykernel kernel reports it."""
    from ipykernel.ipkernel import IPythonKernel

    return nbformat.from_dict(
        {
            k: (dict(v) if isinstance(v, dict) else v)
            for k, v in IPythonKernel.language_info.items()
        }
    )


class InProcessEngine(Engine):
    """Papermill engine: the notebook's cells run in this process (see the module notes)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        """Run every cell in order, stopping at the first error, as nbclient does."""
        notebook = nb_man.nb
        with InProcessKernel() as kernel:
            for index, cell in enumerate(notebook.cells):
                try:
                    nb_man.cell_start(cell, index)
                    if not kernel.execute(cell, index):
                        nb_man.cell_exception(notebook.cells[index], cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(notebook.cells[index], cell_index=index)
        notebook.metadata["language_info"] = language_info()
        return notebook


papermill_engines.register(ENGINE_NAME, InProcessEngine)
