"""Outputs built beside the published ones and swapped in whole, or not at all.

An authority's folder, and a year's index with its tables and spreadsheet, are each written
in a staging folder beside what is published, then renamed into place while Ctrl-C and
SIGTERM wait. A run killed outright (SIGKILL, a power cut) can leave a staging folder or the
folder it was replacing: the next run removes them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

# What a build leaves beside its outputs only while it runs: a folder being written, and
# the outputs being replaced. Any found while no run is writing were left by a killed run.
STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".old-"


def staging_folder(parent: Path, label: str) -> Path:
    """A new, empty folder in ``parent`` to build ``label`` in, readable as the umask allows.

    (``tempfile.mkdtemp`` makes its folders readable by their owner only, and a renamed
    folder keeps its mode: a web server running as another user could not read the pages.)
    """
    while True:
        folder = parent / f"{STAGING_PREFIX}{label}-{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT (Ctrl-C) and SIGTERM until the block is done: a swap is never cut in half.

    Held by Python's own handlers, which run in the main thread whichever thread the signal
    reaches (blocking the signal in this thread alone would not stop another from taking
    it); then handled as they would have been. In any other thread there is nothing to
    hold: Python raises KeyboardInterrupt, or runs any handler, only in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    saved = {number: signal.signal(number, hold) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def swap(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is; the old build is removed only once the new is in.

    Renames are atomic on one filesystem, and SIGINT and SIGTERM wait until the old build is
    gone too: a run killed outright leaves it to the next run (:func:`remove_leftovers`).
    """
    old = target.with_name(f"{OLD_PREFIX}{target.name}-{os.getpid()}")
    with signals_deferred():
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(year_dir: Path) -> list[Path]:
    """Remove what killed runs left in a year's folder (staging and replaced folders).

    Call only while no other run writes there. Returns what was removed.
    """
    found = [
        entry
        for entry in year_dir.iterdir()
        if entry.name.startswith((STAGING_PREFIX, OLD_PREFIX))
    ]
    for entry in found:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):  # as rmtree: what cannot be removed stays
                entry.unlink()
    return found
