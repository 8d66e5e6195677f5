"""Inputs that note what is read of them, so a build knows which inputs feed each section.

The plan's settings note each plan.yaml key read (``plan.yaml:resources``), the local and
national data each table read (``local:budget``, ``national:counts``), and both note a read
of their data-quality warnings (``warnings``), which every section shows. Narrative notes
the files it reads (``file:<path>``) and each placeholder it quotes
(``placeholder:budget.total``). What is noted goes to :mod:`yjnb.reads`, and from there to
the build's manifest: nothing is noted outside a notebook that a build executes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from yjnb import reads

WARNINGS = "warnings"


def track_attributes(cls: type, kind: str, names: set[str]) -> None:
    """Make instances of ``cls`` note each read of an attribute of ``names`` as ``kind:name``.

    ``warnings`` is noted as :data:`WARNINGS`, whichever input it is read of.
    """
    original = cls.__getattribute__
    noted = {name: WARNINGS if name == "warnings" else f"{kind}:{name}" for name in names}

    def __getattribute__(self: Any, name: str) -> Any:  # noqa: N807
        if name in noted and reads.active():
            reads.record(noted[name])
        return original(self, name)

    cls.__getattribute__ = __getattribute__  # type: ignore[method-assign]


def note_file(path: Path) -> None:
    """Note that a file (a narrative, an image beside it) was read, whether or not it exists."""
    if reads.active():
        reads.record(f"file:{Path(path).resolve()}")


class QuotedValues(Mapping[str, str]):
    """Placeholder values that note each name looked up (``placeholder:<name>``).

    A name that is not there is noted too: adding it changes what narrative shows. Going
    through every name is noted as ``placeholder:*``, a read of all of them.
    """

    def __init__(self, values: Mapping[str, str]):
        self._values = values

    def __getitem__(self, name: str) -> str:
        reads.record(f"placeholder:{name}")
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        reads.record(f"placeholder:{name}")
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        reads.record("placeholder:*")
        return iter(self._values)

    def __len__(self) -> int:
        reads.record("placeholder:*")
        return len(self._values)
