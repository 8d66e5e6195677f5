"""What a section read: the inputs recorded while its notebook executes.

A build re-executes only the sections whose inputs changed (:mod:`yjnb.batch.incremental`).
To know a section's inputs, the objects that hold them record each read here: a plan.yaml
key read from the plan's settings, a local or national file's table, a narrative file,
a placeholder quoted (:mod:`yjnb.inputs.tracking`). Each read is a name such as
``plan.yaml:resources``, ``local:budget``, ``national:counts``, ``file:/path/07.md``,
``placeholder:budget.total`` or ``warnings`` (the data-quality warnings every section shows).

Reads are kept only inside :func:`recording` blocks (one per notebook executed), so
recording costs nothing elsewhere. :mod:`yjnb.reuse` keeps the reads a remembered
computation made and replays them whenever its result is reused, so a section that finds
its figures computed already still records what they were computed from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_frames: list[set[str]] = []


def record(name: str) -> None:
    """Note that ``name`` was read, in every recording block open."""
    for frame in _frames:
        frame.add(name)


def replay(names: Iterable[str]) -> None:
    """Note every name of ``names`` as read (what a reused computation had read)."""
    for frame in _frames:
        frame.update(names)


def active() -> bool:
    """True inside a recording block."""
    return bool(_frames)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the names read inside the block (they are also noted in enclosing blocks)."""
    frame: set[str] = set()
    _frames.append(frame)
    try:
        yield frame
    finally:
        _frames.remove(frame)


@contextmanager
def paused() -> Iterator[None]:
    """Inside the block nothing is recorded: for work whose result is recorded otherwise.

    Placeholder values, say: all of them are computed at once, but a section depends only on
    those its narrative quotes, each recorded as it is quoted.
    """
    saved = _frames[:]
    _frames.clear()
    try:
        yield
    finally:
        _frames[:] = saved
