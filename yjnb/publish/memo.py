"""Outputs taken from the last build when what they are made from is unchanged.

Each page and spreadsheet is made from known parts (the executed notebooks it shows, the
tables it holds, its title...). Publishing records a digest of those parts for each output in
the manifest (``outputs``); a build whose code and libraries are those of the last build
(:mod:`yjnb.batch.incremental` decides) copies an output whose parts have the same digest
from the last build instead of making it again. The copy is the same bytes a full build
writes, since the same parts make the same bytes (tests/publishing/test_determinism.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def digest(*parts: Any) -> str:
    """A digest of JSON-serialisable parts."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class OutputMemo:
    """What this build made from which parts, and what the last build made (if reusable)."""

    def __init__(self, staging: Path, last: Path | None = None, made: dict | None = None):
        """``last``: the last build's folder, whose outputs may be copied; ``made``: its record."""
        self.staging, self.last = staging, last
        self.previous: dict[str, Any] = made if last is not None and made else {}
        self.record: dict[str, dict[str, Any]] = {}
        self.reused: list[str] = []

    def make(self, path: Path, key: str, write: Callable[[], T]) -> T:
        """Copy ``path`` from the last build if it was made from the same parts, else write it.

        ``write`` writes the file and returns what the caller needs of it (kept in the record,
        so it must be JSON: the ids of a workbook's sheets, say).
        """
        name = path.relative_to(self.staging).as_posix()
        before = self.previous.get(name)
        if (
            isinstance(before, dict)
            and before.get("key") == key
            and self.last is not None
            and (self.last / name).is_file()
        ):
            shutil.copyfile(self.last / name, path)
            self.record[name] = before
            self.reused.append(name)
            return before.get("value")
        value = write()
        self.record[name] = {"key": key, "value": value}
        return value
