"""What the batch's processes tell one another, one type per message.

A notebook's process reports to its authority's process; the authority's and the index's
processes report through the worker server to the runner, which also hears the server's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yjnb.batch.jobs import Failure


@dataclass(frozen=True)
class NotebookStarted:
    """A notebook's process has begun: a failure from now on is not retried."""


@dataclass(frozen=True)
class NotebookDone:
    """A notebook ran to the end in ``seconds``, having read ``reads`` (None: not noted)."""

    seconds: float
    reads: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NotebookFailed:
    """A notebook stopped: in which cell (blank if none), and why."""

    cell: str
    error: str


@dataclass(frozen=True)
class SectionExecuted:
    """One section of an authority is executed (for the progress bar)."""

    slug: str
    section_id: str
    seconds: float


@dataclass(frozen=True)
class SectionsPlanned:
    """Which sections an authority's build executes (with why) and which it keeps."""

    slug: str
    execute: dict[str, str]
    keep: tuple[str, ...]


@dataclass(frozen=True)
class AuthorityFailed:
    """An authority did not build; its earlier outputs are untouched."""

    failure: Failure


@dataclass(frozen=True)
class AuthorityBuilt:
    """An authority is built and swapped into place."""

    slug: str


@dataclass(frozen=True)
class IndexWritten:
    """A year's index is written."""

    year: str
    path: Path


@dataclass(frozen=True)
class IndexFailed:
    """A year's index could not be written, and why."""

    year: str
    error: str


@dataclass(frozen=True)
class ServerReady:
    """The worker server has imported everything and waits for tasks."""

    pid: int


@dataclass(frozen=True)
class ProcessEnded:
    """The process of a task (an authority's slug or ``index <year>``) has ended, and how."""

    label: str
    how: str


NotebookReport = NotebookStarted | NotebookDone | NotebookFailed
Report = (
    SectionExecuted
    | SectionsPlanned
    | AuthorityFailed
    | AuthorityBuilt
    | IndexWritten
    | IndexFailed
    | ServerReady
    | ProcessEnded
)
